"""pytest-lsp fixtures: `llmnotes lsp` driven by a client that declares the
capabilities of a real VS Code (pytest-lsp's captured `visual-studio-code` profile),
so every message is checked against the spec and those capabilities."""

import asyncio
import os
import pathlib
import sys
import tempfile

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
import pytest_lsp

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
BINARY = os.environ.get("LLMNOTES_BIN") or str(
    pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "llmnotes"
)

NOTE_A = "# GPT-2 笔记\n\nGPT-2 的训练数据是 40GB 的 WebText。\n"
NOTE_B = (
    "# 模型对比 😀\n\nGPT-2 的训练数据是 45GB 😀 的 WebText。\n\n"
    "- LLama-3.1 的上下文是 1321。\n- LLamma-1 65B\n"
)

CACHE = tempfile.mkdtemp(prefix="llmnotes-pytest-cache-")


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTE_A, encoding="utf-8")
    (notes / "b.md").write_text(NOTE_B, encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[BINARY, "lsp", "--log-level", "info"],
        server_env={**os.environ, "XDG_CACHE_HOME": CACHE},
    ),
)
async def client(lsp_client: LanguageClient, workspace: pathlib.Path):
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="notes")],
            initialization_options={"inlayHints": {"enabled": True}},
        )
    )
    lsp_client.root = workspace
    yield
    await lsp_client.shutdown_session()


async def wait_diagnostics(client: LanguageClient, uri: str, predicate, timeout=30.0):
    """Waits until the diagnostics published for `uri` satisfy `predicate`."""

    async def loop():
        while not (uri in client.diagnostics and predicate(client.diagnostics[uri])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(loop(), timeout)


def utf16_position(text: str, offset: int) -> types.Position:
    """The LSP (UTF-16) position of a character offset in `text`."""
    before = text[:offset]
    line = before.count("\n")
    line_start = before.rfind("\n") + 1
    col = len(before[line_start:].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def utf16_range(text: str, needle: str, nth: int = 0) -> types.Range:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return types.Range(
        start=utf16_position(text, start), end=utf16_position(text, start + len(needle))
    )
