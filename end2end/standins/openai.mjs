// A local stand-in for an OpenAI-compatible `chat/completions` server (Ollama, vLLM, OpenAI), used
// by the browser tests: it speaks the real wire format (request with messages and a strict JSON
// schema; reply with choices, message content and usage). Its "model" labels each ticket by a few
// words, which is all the tests need: the point is the protocol, not the language skill.
import http from "node:http";

const port = Number(process.env.STANDIN_PORT ?? 3199);

function label(text) {
  const t = text.toLowerCase();
  if (/(thank|great|love|perfect|excellent|works now)/.test(t)) return ["positive", 0.8];
  if (/(broken|refund|angry|terrible|worst|still not|cancel|unacceptable|again)/.test(t)) return ["negative", -0.8];
  return ["neutral", 0];
}

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.url}`, type: "invalid_request_error", code: null } }));
      return;
    }
    let request;
    try {
      request = JSON.parse(body);
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "body is not JSON", type: "invalid_request_error", code: null } }));
      return;
    }
    const user = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const items = user
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    const results = items.map(({ id, text }) => {
      const [l, score] = label(text);
      return { id, label: l, score, reason: `The stand-in read it as ${l}.` };
    });
    const content = JSON.stringify({ results });
    const promptTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${Date.now()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(content.length / 4), total_tokens: promptTokens + Math.ceil(content.length / 4) },
      }),
    );
  });
});
server.listen(port, "127.0.0.1", () => console.log(`openai stand-in on ${port}`));
