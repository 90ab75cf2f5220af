// Verbatim from the Lamina docs ("Run your first app", JavaScript Example). The test replaces
// only the base URL; the key comes from LAMINA_API_KEY as in the docs. The driver at the end is ours.
const baseUrl = 'https://app.uselamina.ai';
const apiKey = process.env.LAMINA_API_KEY;
async function laminaFetch(path, init = {}) {
const response = await fetch(`${baseUrl}${path}`, {
...init,
headers: {
'Content-Type': 'application/json',
'x-api-key': apiKey,
...(init.headers || {}),
},
});
if (!response.ok) {
const body = await response.text();
throw new Error(`Lamina request failed: ${response.status} ${body}`);
}
return response.json();
}
// With webhook — start and forget (results arrive at your webhook)
async function runAppWithWebhook(appId, inputs, webhookUrl) {
const started = await laminaFetch(
`/v1/apps/${appId}/runs?webhook=${encodeURIComponent(webhookUrl)}`,
{ method: 'POST', body: JSON.stringify({ inputs }) }
);
return started.data.runId;
}
// With polling — start and wait
async function runAppWithPolling(appId, inputs) {
const started = await laminaFetch(`/v1/apps/${appId}/runs`, {
method: 'POST',
body: JSON.stringify({ inputs }),
});
const runId = started.data.runId;
for (;;) {
const status = await laminaFetch(`/v1/runs/${runId}`);
const state = status.data.status;
if (state === 'completed' || state === 'failed') {
return status.data;
}
await new Promise((resolve) => setTimeout(resolve, 5000));
}
}

// --- driver (not from the docs) ---
const result = await runAppWithPolling(process.argv[2], {
  Prompt: 'A cinematic ecommerce hero image',
  'Aspect Ratio': '16:9',
});
console.log(JSON.stringify({ status: result.status, image: result.outputs[0].value }));
