"""Which language model writes answers: ``--llm SPEC`` / ``RAG_LLM``, made into a LangChain chat model.

- ``none`` (the default): no model; answers are quoted by the extractive generator.
- ``openai:MODEL@BASE_URL``: any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, OpenAI);
  the key comes from ``OPENAI_API_KEY`` when it is set.
- ``ollama:MODEL[@URL]``: an Ollama server (default ``http://127.0.0.1:11434``).
- ``local[:PATH.gguf]``: a GGUF model served by llama.cpp (``xllamacpp``) on 127.0.0.1, started here
  and stopped when the process ends; ``local`` alone is the model the ``[llm]`` extra brings
  (``rag.answer.bundled``), ``local:NAME`` another bundled one.

Example:
    >>> parse_spec("openai:gpt-4o-mini@https://api.openai.com/v1")
    LLMSpec(kind='openai', model='gpt-4o-mini', url='https://api.openai.com/v1')
"""

from __future__ import annotations

import atexit
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import SecretStr

from rag.answer import bundled
from rag.answer.llm import ANSWER_SCHEMA
from rag.errors import RagError

TIMEOUT_S = 120.0  # a model that takes longer leaves the extractive answer
MAX_TOKENS = 400  # a few sentences with markers; a small model that rambles is cut off
_KINDS = ("none", "openai", "ollama", "local")


@dataclass(frozen=True)
class LLMSpec:
    kind: str
    model: str = ""
    url: str = ""


def parse_spec(spec: str) -> LLMSpec:
    """Read ``--llm``; a malformed spec is an error that shows the accepted forms."""
    text = (spec or "none").strip()
    kind, _, rest = text.partition(":")
    usage = "use none, openai:MODEL@BASE_URL, ollama:MODEL[@URL] or local[:PATH.gguf]"
    if kind not in _KINDS:
        raise RagError(f"--llm {text!r}: unknown kind {kind!r}; {usage}")
    if kind == "none":
        return LLMSpec("none")
    if kind == "local":
        return LLMSpec("local", rest or bundled.DEFAULT)
    model, _, url = rest.partition("@")
    if not model or (kind == "openai" and not url):
        raise RagError(f"--llm {text!r} is incomplete; {usage}")
    return LLMSpec(kind, model, url or "http://127.0.0.1:11434")


def chat_model(spec: str) -> tuple[Any, str, bool] | None:
    """The chat model ``spec`` names, a short name for it and whether its output is held to
    ``ANSWER_SCHEMA`` (JSON sentences with sources); None for ``none``."""
    parsed = parse_spec(spec)
    if parsed.kind == "none":
        return None
    if parsed.kind == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise RagError("--llm ollama:… needs langchain-ollama: install the [llm] extra") from None
        model = ChatOllama(model=parsed.model, base_url=parsed.url, temperature=0, num_predict=MAX_TOKENS)
        return model, f"ollama:{parsed.model}", False
    if parsed.kind == "local":
        gguf = bundled.model_path(parsed.model) if parsed.model in bundled.BUNDLES else Path(parsed.model)
        url = LocalServer.start(gguf)
        name = parsed.model if parsed.model in bundled.BUNDLES else gguf.name
        # small local models drop their [n] markers in free text; llama.cpp constrains them to sentences with
        # sources instead (a grammar made from the schema), which rag.answer.llm reads back as "… [n]"
        schema = {"name": "antwort", "schema": ANSWER_SCHEMA}
        model = _openai(gguf.stem, url, "none").bind(response_format={"type": "json_schema", "json_schema": schema})
        return model, f"local:{name}", True
    key = os.environ.get("OPENAI_API_KEY") or "none"
    return _openai(parsed.model, parsed.url, key), f"openai:{parsed.model}", False


def _openai(model: str, url: str, key: str) -> Any:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise RagError("--llm openai:… needs langchain-openai: install the [llm] extra") from None
    return ChatOpenAI(
        model=model,
        base_url=url,
        api_key=SecretStr(key),
        timeout=TIMEOUT_S,
        max_retries=1,
        temperature=0,
        max_completion_tokens=MAX_TOKENS,
    )


class LocalServer:
    """llama.cpp's OpenAI-compatible server in this process, on a free port of 127.0.0.1 (one per model)."""

    _running: ClassVar[dict[Path, tuple[Any, str]]] = {}

    @classmethod
    def start(cls, gguf: Path, n_ctx: int = 4096) -> str:
        """Start serving ``gguf`` (once per process) and return its ``/v1`` base URL."""
        gguf = gguf.resolve()
        if gguf in cls._running:
            return cls._running[gguf][1]
        if not gguf.is_file():
            raise RagError(
                f"--llm local: {gguf} is not a file; give the path of a .gguf model or a bundled model's name "
                f"({', '.join(sorted(bundled.BUNDLES))})"
            )
        try:
            import xllamacpp
        except ImportError:
            raise RagError("--llm local:… needs xllamacpp: install the [llm] extra") from None
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.n_ctx = n_ctx
        params.cpuparams.n_threads = 1  # ../shared/MODELS.md: with 2 the server's own thread starves
        params.hostnames = ["127.0.0.1"]
        params.port = _free_port()
        params.verbosity = -1  # llama.cpp's per-request log lines are not the reader's business
        try:
            server = xllamacpp.Server(params)
        except Exception as err:
            raise RagError(f"--llm local: llama.cpp could not load {gguf}: {err}") from None
        url = f"http://127.0.0.1:{params.port}/v1"
        cls._running[gguf] = (server, url)
        return url

    @classmethod
    def stop_all(cls) -> None:
        cls._running.clear()  # dropping the Server object stops llama.cpp's loop


atexit.register(LocalServer.stop_all)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
