"""Captures the X screen (Xlib through ctypes: a few ms a frame, where ImageMagick takes half a
second) for a while and keeps every distinct frame as a PPM, named by ms since `start_ns`.
Used by .ci/first-frames.sh. Usage: capture_frames.py OUT_DIR START_NS SECONDS"""

import ctypes
import ctypes.util
import os
import sys
import time


class XImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_ubyte)),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


def main():
    out, start_ns, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    x11 = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XGetImage.restype = ctypes.POINTER(XImage)
    x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                              ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    x11.XDestroyImage = None  # a macro; the image's own destroy function is not needed here
    x11.XFree.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(os.environ["DISPLAY"].encode())
    root = x11.XDefaultRootWindow(display)
    width, height = 1280, 800
    last = None
    while (time.time_ns() - start_ns) / 1e9 < seconds:
        at = (time.time_ns() - start_ns) // 1_000_000
        image = x11.XGetImage(display, root, 0, 0, width, height, 0xFFFFFFFF, 2)  # ZPixmap
        pixels = ctypes.string_at(image.contents.data, image.contents.bytes_per_line * height)
        x11.XFree(image.contents.data)
        x11.XFree(image)
        if pixels != last:
            last = pixels
            rgb = bytearray(width * height * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = pixels[2::4], pixels[1::4], pixels[0::4]
            with open(os.path.join(out, f"frame-{at:05d}.ppm"), "wb") as f:
                f.write(b"P6 %d %d 255\n" % (width, height) + rgb)
        time.sleep(0.005)


main()
