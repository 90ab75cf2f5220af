// Settings → Storage on the memory backend: built in on the demo workspace; a bucket in an account,
// whose secret goes to the backend once and is never shown back; "Test storage" reports each step
// in plain words; forgetting the storage.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../../../test/app";

async function openStorage(user: ReturnType<typeof startApp>["user"]) {
  await user.click(await screen.findByTestId("nav-settings"));
  return screen.findByTestId("storage-settings");
}

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

describe("Settings → Storage", () => {
  it("is built in on the demo workspace, and its test reports every step", async () => {
    const { user } = startApp({ mode: "demo" });
    const section = await openStorage(user);
    expect(await within(section).findByTestId("storage-kind")).toHaveTextContent(
      "The demo workspace keeps your photos on this computer.",
    );
    expect(within(section).queryByTestId("storage-form")).toBeNull();
    await user.click(within(section).getByTestId("storage-test"));
    expect(await within(section).findByTestId("storage-verdict")).toHaveTextContent(
      "Your storage works",
    );
    expect(within(section).getAllByTestId("storage-step")).toHaveLength(3);
  });

  it("saves a bucket; the secret reaches the backend once and is never shown back", async () => {
    const { backend, user } = startApp({ mode: "account" });
    const section = await openStorage(user);
    const fill = async (name: string, text: string) => {
      const input = within(section).getByTestId(`storage-${name}`);
      await user.clear(input);
      await user.click(input);
      await user.paste(text);
    };
    await within(section).findByTestId("storage-form");
    // Nothing saved yet: no test to run, and a save without the details is refused per field.
    expect(within(section).queryByTestId("storage-test")).toBeNull();
    await user.click(within(section).getByTestId("storage-save"));
    expect(await within(section).findByTestId("storage-endpoint-error")).toHaveTextContent(
      "The endpoint must be a web address such as https://s3.eu-west-1.amazonaws.com.",
    );
    expect((await backend.storageSettings()).active).toBe("none");

    await fill("endpoint", "https://abc123.r2.cloudflarestorage.com");
    await fill("region", "auto");
    await fill("bucket", "shop-photos");
    await fill("prefix", "lamina");
    await fill("accessKeyId", "AKIAEXAMPLE");
    const secret = within(section).getByTestId("storage-secretAccessKey");
    expect(secret).toHaveAttribute("type", "password");
    await fill("secretAccessKey", SECRET);
    await user.click(within(section).getByTestId("storage-save"));

    expect(await within(section).findByTestId("secret-saved")).toHaveTextContent(
      "Saved in your keychain",
    );
    expect(backend.storage.lastSecret).toBe(SECRET);
    const saved = await backend.storageSettings();
    expect(saved).toMatchObject({
      active: "s3",
      s3: { bucket: "shop-photos", prefix: "lamina", linkLifetimeSecs: 86_400 },
      hasSecret: true,
    });
    expect(JSON.stringify(saved)).not.toContain(SECRET);
    // The secret is nowhere on screen, not even in the password field.
    expect(within(section).getByTestId("storage-secretAccessKey")).toHaveValue("");
    expect(document.body.innerHTML).not.toContain(SECRET);

    // Saving again without typing the secret keeps it (nothing sent for it).
    backend.storage.lastSecret = null;
    await fill("prefix", "photos");
    await user.click(within(section).getByTestId("storage-save"));
    await waitFor(async () => expect((await backend.storageSettings()).s3?.prefix).toBe("photos"));
    expect(backend.storage.lastSecret).toBeNull();
    expect((await backend.storageSettings()).hasSecret).toBe(true);
  });

  it("a failed test says what went wrong in plain words, step by step", async () => {
    const { backend, user } = startApp({ mode: "account" });
    await backend.saveStorageSettings({
      s3: {
        endpoint: "https://s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        bucket: "shop-photos",
        prefix: "",
        accessKeyId: "AKIAEXAMPLE",
        publicBaseUrl: "https://photos.example.com",
        linkLifetimeSecs: 86_400,
        pathStyle: false,
      },
      secretAccessKey: SECRET,
      maxLongEdge: null,
    });
    backend.storage.testReport = {
      ok: false,
      problem: "linkNotFetchable",
      warnings: [],
      steps: [
        {
          step: "put",
          status: "passed",
          message: "Put a small test picture in your storage.",
          problem: null,
          detail: null,
        },
        {
          step: "fetch",
          status: "failed",
          message:
            "Lamina couldn't open the photo at your public address: check it, or turn off “My bucket is public”.",
          problem: "linkNotFetchable",
          detail: "GET https://photos.example.com/x.png: 403",
        },
        {
          step: "delete",
          status: "passed",
          message: "Deleted the test picture.",
          problem: null,
          detail: null,
        },
      ],
    };
    const section = await openStorage(user);
    expect(await within(section).findByTestId("storage-public")).toBeChecked();
    await user.click(within(section).getByTestId("storage-test"));
    expect(await within(section).findByTestId("storage-verdict")).toHaveTextContent(
      "Your storage isn't ready yet.",
    );
    const steps = within(section).getAllByTestId("storage-step");
    expect(steps.map((s) => s.dataset.status)).toEqual(["passed", "failed", "passed"]);
    expect(steps[1]).toHaveTextContent(
      "Link: Lamina couldn't open the photo at your public address",
    );
  });

  it("forgets the storage after confirming", async () => {
    const { backend, user } = startApp({ mode: "account" });
    await backend.saveStorageSettings({
      s3: {
        endpoint: "http://127.0.0.1:9000",
        region: "us-east-1",
        bucket: "b",
        prefix: "",
        accessKeyId: "minio",
        publicBaseUrl: null,
        linkLifetimeSecs: 3600,
        pathStyle: true,
      },
      secretAccessKey: SECRET,
      maxLongEdge: null,
    });
    const section = await openStorage(user);
    await user.click(await within(section).findByTestId("storage-forget"));
    await user.click(within(section).getByTestId("storage-forget-confirm"));
    await waitFor(async () => expect((await backend.storageSettings()).active).toBe("none"));
    expect(within(section).getByTestId("storage-bucket")).toHaveValue("");
    expect(within(section).queryByTestId("secret-saved")).toBeNull();
  });
});
