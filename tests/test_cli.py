from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main


def _ingest(corpus: Path, index: Path, *extra: str) -> int:
    return main(
        ["ingest", str(corpus), "--index-dir", str(index), "--embedder", "hash-64", "--chunk-chars", "160", *extra]
    )


def test_ingest_then_ask_json(corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    index = tmp_path / "idx"
    assert _ingest(corpus_dir, index) == 0
    assert "3 articles added" in capsys.readouterr().out
    code = main(
        [
            "ask",
            "Was meldet der Hamburger Hafen?",
            "--json",
            "--index-dir",
            str(index),
            "--embedder",
            "hash-64",
            "--k",
            "2",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"answer", "citations", "passages", "timings"} <= data.keys()
    assert len(data["passages"]) == 2 and data["passages"][0]["source"] == "hamburg.txt"
    assert data["citations"] and data["citations"][0]["number"] >= 1


def test_skipped_files_are_named_and_make_the_exit_status_non_zero(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (corpus_dir / "broken.txt").write_bytes(b" date 2020-99 kaputt")
    (corpus_dir / "lines.jsonl").write_text('{"text": "Gut."}\nkein json\n', encoding="utf-8")
    code = _ingest(corpus_dir, tmp_path / "idx")
    captured = capsys.readouterr()
    assert code == 3
    assert "broken.txt:1: bad date line" in captured.err
    assert "lines.jsonl:2: not valid JSON" in captured.err
    assert "4 articles added" in captured.out  # the good ones went in


def test_errors_are_one_line_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["ask", "Frage?", "--index-dir", str(tmp_path / "none"), "--embedder", "hash-64"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("rag: error: no index in") and "Traceback" not in err
    assert main(["ask", "  ", "--index-dir", str(tmp_path / "none"), "--embedder", "hash-64"]) == 1
    assert "question is empty" in capsys.readouterr().err


def test_bad_field_mapping_and_bad_env_are_clear(corpus_dir: Path, tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    assert _ingest(corpus_dir, tmp_path / "i", "--field", "body") == 1
    assert "PART=KEY" in capsys.readouterr().err
    monkeypatch.setenv("RAG_K", "viele")
    assert main(["ask", "x", "--embedder", "hash-64"]) == 1
    assert "RAG_K='viele' is not a valid int" in capsys.readouterr().err


def test_help_is_fast_and_lists_commands():
    result = subprocess.run([sys.executable, "-m", "rag.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("ingest", "ask", "serve", "eval"):
        assert command in result.stdout
    modules = subprocess.run(
        [sys.executable, "-c", "import sys, rag.cli; rag.cli.build_parser(); print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "torch" not in modules and "gradio" not in modules and "faiss" not in modules


def test_chat_json_is_one_conversation_one_line_per_question(corpus_dir: Path, tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    import io

    index = tmp_path / "idx"
    assert _ingest(corpus_dir, index) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("Was meldet der Hamburger Hafen?\n\nUnd die Kurzarbeit?\n   \n"))
    assert main(["chat", "--json", "--index-dir", str(index), "--embedder", "hash-64"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["Was meldet der Hamburger Hafen?", "Und die Kurzarbeit?"]
    for row in rows:
        assert {"answer", "declined", "citations", "passages", "timings", "question_type"} <= row.keys()
    assert rows[1]["passages"][0]["source"] == "hamburg.txt"  # the follow-up stayed with the topic
