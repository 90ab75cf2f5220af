# Verbatim from the Lamina docs ("Run your first app", Python Example). The test replaces only
# the base URL; the key comes from LAMINA_API_KEY as in the docs. The driver at the end is ours.
import os
import time
import requests
from urllib.parse import urlencode
BASE_URL = "https://app.uselamina.ai"
API_KEY = os.environ["LAMINA_API_KEY"]
headers = {
"x-api-key": API_KEY,
"Content-Type": "application/json",
}
# With webhook — start and forget
def run_app_with_webhook(app_id, inputs, webhook_url):
    r = requests.post(
    f"{BASE_URL}/v1/apps/{app_id}/runs?webhook={webhook_url}",
    headers=headers,
    json={"inputs": inputs},
    timeout=60,
    )
    r.raise_for_status()
    return r.json()["data"]["runId"]
# With polling — start and wait
def run_app_with_polling(app_id, inputs):
    started = requests.post(
    f"{BASE_URL}/v1/apps/{app_id}/runs",
    headers=headers,
    json={"inputs": inputs},
    timeout=60,
    )
    started.raise_for_status()
    run_id = started.json()["data"]["runId"]
    while True:
        status = requests.get(
        f"{BASE_URL}/v1/runs/{run_id}",
        headers=headers,
        timeout=60,
        )
        status.raise_for_status()
        payload = status.json()["data"]
        if payload["status"] in ("completed", "failed"):
            return payload
        time.sleep(5)

# --- driver (not from the docs) ---
if __name__ == "__main__":
    import json, sys
    result = run_app_with_polling(sys.argv[1], {"Prompt": "A cinematic ecommerce hero image", "Aspect Ratio": "16:9"})
    print(json.dumps({"status": result["status"], "image": result["outputs"][0]["value"]}))
