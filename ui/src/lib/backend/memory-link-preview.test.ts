import { describe, expect, it } from "vitest";
import { memoryLinkPreview } from "./memory-link-preview";

describe("memoryLinkPreview", () => {
  it("previews public web addresses with a drawn thumbnail", () => {
    const preview = memoryLinkPreview("https://cdn.example.com/shirt.png");
    expect(preview.thumbnail).toMatch(/^data:image\//);
    expect(preview.width).toBeGreaterThan(0);
  });

  it("refuses other schemes and local or private addresses, as Rust does", () => {
    expect(() => memoryLinkPreview("ftp://example.com/a.png")).toThrow(/web address/);
    for (const url of ["http://127.0.0.1:9/a.png", "http://localhost/a.png", "http://10.0.0.2/a"]) {
      expect(() => memoryLinkPreview(url)).toThrow(/inside this computer/);
    }
  });
});
