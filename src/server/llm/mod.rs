//! Clients for LLM providers (Gemini, OpenAI-compatible), with retries, timeouts and accounting.
