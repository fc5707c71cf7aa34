"""`llmnotes lsp` under pytest-lsp with VS Code's declared capabilities: every
response and notification is parsed into lsprotocol types (malformed ones fail) and
checked against the client's capabilities (violations are errors, see pytest.ini)."""

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import NOTE_A, NOTE_B, utf16_position, utf16_range, wait_diagnostics


def uris(client: LanguageClient):
    notes = client.root / "notes"
    return (notes / "a.md").as_uri(), (notes / "b.md").as_uri()


def codes(diagnostics):
    return sorted(d.code for d in diagnostics)


def open_note(client: LanguageClient, uri: str, text: str, version: int = 1):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=version, text=text
            )
        )
    )


async def test_capabilities_and_utf16_default(client: LanguageClient):
    # VS Code 1.65 offers no position encodings: UTF-16 it is.
    a, _ = uris(client)
    open_note(client, a, NOTE_A)
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=a))
    )
    # First token: GPT-2 in the heading, line 0, UTF-16 column 2, 5 long, a model.
    assert list(tokens.data[:5]) == [0, 2, 5, 0, 0]


async def test_workspace_diagnostics_with_related_information(client: LanguageClient):
    a, b = uris(client)
    diags = await wait_diagnostics(
        client, b, lambda d: {"LN001", "LN005"} <= set(codes(d))
    )
    ln001 = next(d for d in diags if d.code == "LN001" and d.range == utf16_range(NOTE_B, "45GB"))
    assert ln001.source == "llmnotes"
    assert ln001.severity == types.DiagnosticSeverity.Error
    assert ln001.code_description.href.endswith("#ln001-kb-mismatch")
    kb = [r for r in ln001.related_information if r.location.uri.endswith("kb/openai.toml")]
    assert kb, ln001.related_information
    # The KB settles 40GB against 45GB: no LN002; the LN001 points to the note
    # that agrees with the KB.
    assert "LN002" not in codes(diags)
    agreeing = [r for r in ln001.related_information if r.location.uri == a]
    assert agreeing and agreeing[0].location.range == utf16_range(NOTE_A, "40GB"), ln001
    # The indexing progress was reported begin → end (the end follows the
    # diagnostics).
    async def ended():
        while not any(
            r.kind == "end" for token in client.progress_reports.values() for r in token
        ):
            await client.wait_for_notification(types.PROGRESS)

    await asyncio.wait_for(ended(), 30)
    reports = [r.kind for token in client.progress_reports.values() for r in token]
    assert reports[0] == "begin" and reports[-1] == "end", reports
    # File watchers were registered dynamically.
    methods = [r.method for r in client.registrations]
    assert "workspace/didChangeWatchedFiles" in methods


async def test_hover_definition_references(client: LanguageClient):
    a, b = uris(client)
    await wait_diagnostics(client, b, lambda d: "LN001" in codes(d))
    open_note(client, b, NOTE_B)
    pos = utf16_position(NOTE_B, NOTE_B.index("GPT-2") + 1)
    doc = types.TextDocumentIdentifier(uri=b)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=pos)
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("### GPT-2")
    assert "Mentioned 3 times" in hover.contents.value
    assert hover.range == utf16_range(NOTE_B, "GPT-2")

    number = utf16_position(NOTE_B, NOTE_B.index("45GB") + 2)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=number)
    )
    assert "**40GB**" in hover.contents.value and "contradicts" in hover.contents.value

    defs = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc, position=pos)
    )
    assert defs[0].uri.endswith("kb/openai.toml")
    assert any(d.uri == a and d.range.start.line == 0 for d in defs)

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc,
            position=pos,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert [(r.uri, r.range) for r in refs] == [
        (a, utf16_range(NOTE_A, "GPT-2", 0)),
        (a, utf16_range(NOTE_A, "GPT-2", 1)),
        (b, utf16_range(NOTE_B, "GPT-2", 0)),
    ]


async def test_completion_and_resolve(client: LanguageClient):
    a, _ = uris(client)
    text = "阿里的通义\nGPT-\n"
    uri = a.replace("a.md", "new.md")
    open_note(client, uri, text)
    doc = types.TextDocumentIdentifier(uri=uri)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=utf16_position(text, text.index("GPT-") + 4))
    )
    items = result if isinstance(result, list) else result.items
    gpt2 = next(i for i in items if i.label == "GPT-2" and i.filter_text == "GPT-2")
    assert gpt2.text_edit.range == utf16_range(text, "GPT-")
    resolved = await client.completion_item_resolve_async(gpt2)
    assert resolved.documentation.value.startswith("### GPT-2")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=utf16_position(text, text.index("通义") + 2))
    )
    items = result if isinstance(result, list) else result.items
    alias = next(i for i in items if i.filter_text == "通义")
    assert alias.text_edit.new_text == "通义千问"
    assert alias.text_edit.range == utf16_range(text, "通义")


async def test_code_actions_fix_the_number(client: LanguageClient):
    _, b = uris(client)
    open_note(client, b, NOTE_B)
    diags = await wait_diagnostics(client, b, lambda d: "LN001" in codes(d))
    target = utf16_range(NOTE_B, "45GB")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=b),
            range=target,
            context=types.CodeActionContext(diagnostics=[d for d in diags if d.range == target]),
        )
    )
    replace = next(a for a in actions if "40GB" in a.title)
    (edit,) = replace.edit.changes[b]
    # The rule's own fix: only the digits change ("45" → "40"), the unit stays.
    start = NOTE_B.index("45GB")
    assert edit.range == utf16_range(NOTE_B, "45")
    assert NOTE_B[:start] + edit.new_text + NOTE_B[start + 2:] == NOTE_B.replace("45GB", "40GB", 1)
    # Apply it as the editor would; the KB finding goes away.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=b, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    diags = await wait_diagnostics(
        client, b, lambda d: "LN002" not in codes(d) and not any(x.range == target for x in d)
    )
    assert codes(diags) == ["LN001", "LN005"]  # 1321 and LLamma remain


async def test_symbols_and_inlay_hints(client: LanguageClient):
    a, b = uris(client)
    open_note(client, b, NOTE_B)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=b))
    )
    assert symbols[0].name == "模型对比 😀"
    assert [c.name for c in symbols[0].children] == ["GPT-2", "Llama 3.1", "LLaMA"]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="gpt-2"))
    assert any(s.name == "GPT-2" for s in found)
    open_note(client, a, NOTE_A)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=a),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=5, character=0)),
        )
    )
    assert [h.label for h in hints] == ["‹1.5B · 2019›", "‹1.5B · 2019›"]
    assert hints[0].position == utf16_position(NOTE_A, NOTE_A.index("GPT-2") + 5)


async def test_incremental_edits_with_surrogate_pairs(client: LanguageClient):
    _, b = uris(client)
    open_note(client, b, NOTE_B)
    text = NOTE_B
    version = 1
    for old, new in [("😀 的", "🎉🎉 的"), ("1321", "128K"), ("LLamma", "LLaMA")]:
        start = text.index(old)
        rng = types.Range(start=utf16_position(text, start), end=utf16_position(text, start + len(old)))
        text = text[:start] + new + text[start + len(old):]
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=b, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )
    # After the edits only the 45GB finding remains, at their new UTF-16 position.
    target = utf16_range(text, "45GB")
    diags = await wait_diagnostics(
        client, b, lambda d: codes(d) == ["LN001"] and all(x.range == target for x in d)
    )
    assert len(diags) == 1
