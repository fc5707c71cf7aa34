-- Headless Neovim driver: loads only editors/nvim, opens the fixture note, and
-- prints one JSON object with what a user would see (diagnostics, hover,
-- definition, :checkhealth) plus every Lua error met on the way.
--
-- Environment: LLMNOTES_BIN, LLMNOTES_PLUGIN (editors/nvim), LLMNOTES_NOTE,
-- LLMNOTES_MODE ("modern": vim.lsp.config/enable; "legacy": the 0.10 path),
-- LLMNOTES_OUT (file to write the JSON to).

local result = { errors = {}, mode = os.getenv("LLMNOTES_MODE") or "modern" }

local function record_error(msg)
  table.insert(result.errors, tostring(msg))
end

-- Every notification at WARN or above is a failure: the plugin and the LSP
-- client report problems (bad server messages, handler errors) this way.
local original_notify = vim.notify
vim.notify = function(msg, level, opts)
  if level and level >= vim.log.levels.WARN then
    record_error("notify: " .. tostring(msg))
  end
  return original_notify(msg, level, opts)
end

local function wait(ms, predicate, what)
  local ok = vim.wait(ms, predicate, 50)
  if not ok then
    record_error("timed out waiting for " .. what)
  end
  return ok
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  if not responses then
    record_error(method .. ": " .. tostring(err))
    return nil
  end
  for _, response in pairs(responses) do
    if response.error or response.err then
      record_error(method .. ": " .. vim.inspect(response.error or response.err))
    end
    if response.result ~= nil then
      return response.result
    end
  end
  return nil
end

local function hover_text(hover)
  if not hover then
    return nil
  end
  local contents = hover.contents
  if type(contents) == "string" then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == "string" and c or c.value)
  end
  return table.concat(parts, "\n")
end

local function main()
  vim.v.errmsg = ""
  vim.opt.runtimepath:prepend(assert(os.getenv("LLMNOTES_PLUGIN"), "LLMNOTES_PLUGIN"))
  local bin = assert(os.getenv("LLMNOTES_BIN"), "LLMNOTES_BIN")
  local note = assert(os.getenv("LLMNOTES_NOTE"), "LLMNOTES_NOTE")
  result.nvim = tostring(vim.version())

  require("llmnotes").setup({
    cmd = { bin, "lsp" },
    legacy = result.mode == "legacy",
  })

  vim.cmd.edit(vim.fn.fnameescape(note))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype

  local client
  wait(10000, function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = "llmnotes" })[1]
    return client ~= nil and client.initialized
  end, "the llmnotes client to attach and initialize")
  if not client then
    return
  end
  result.client = {
    name = client.name,
    offset_encoding = client.offset_encoding,
    root_dir = client.root_dir,
    server_name = client.server_info and client.server_info.name or nil,
  }

  wait(15000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, "diagnostics")
  -- Let any later publish (e.g. cross-note analysis) arrive, then read them.
  vim.wait(500)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      source = d.source,
      message = d.message,
    })
  end
  table.sort(result.diagnostics, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)

  -- Cursor on "GPT-2" at the start of line 3 (row 3, byte column 0).
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local hover = request(bufnr, "textDocument/hover", params)
  result.hover = hover_text(hover)
  result.hover_kind = hover and type(hover.contents) == "table" and hover.contents.kind or nil

  local definition = request(bufnr, "textDocument/definition", params)
  if definition then
    -- Location | Location[] | LocationLink[]: the KB entry plus, possibly, note headings.
    local list = (definition.uri or definition.targetUri) and { definition } or definition
    result.definition_count = #list
    local first
    for _, loc in ipairs(list) do
      if (loc.targetUri or loc.uri):match("%.toml$") then
        first = loc
        break
      end
    end
    first = first or list[1]
    if first then
      local uri = first.targetUri or first.uri
      local range = first.targetSelectionRange or first.range
      local fname = vim.uri_to_fname(uri)
      local lines = vim.fn.readfile(fname)
      result.definition = {
        uri = uri,
        line = range.start.line,
        text = lines[range.start.line + 1],
      }
      -- Jump as a user would and check where the cursor lands.
      vim.lsp.util.show_document(first, client.offset_encoding, { focus = true })
      result.definition.jumped_to = vim.api.nvim_buf_get_name(0)
      result.definition.cursor_row = vim.api.nvim_win_get_cursor(0)[1]
    end
  end

  -- The plugin's commands (they run the CLI).
  vim.cmd("LlmnotesShow GPT-2")
  result.show = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  result.show_filetype = vim.bo.filetype
  vim.cmd("enew")
  vim.cmd("LlmnotesTimeline " .. vim.fn.fnameescape(vim.fs.dirname(note)))
  result.timeline = vim.api.nvim_buf_get_lines(0, 0, -1, false)

  vim.cmd("checkhealth llmnotes")
  local health_buf = vim.api.nvim_get_current_buf()
  result.health = vim.api.nvim_buf_get_lines(health_buf, 0, -1, false)

  -- One workspace, one client (scratch buffers must not start another).
  result.client_count = #vim.lsp.get_clients({ name = "llmnotes" })

  -- Settings changes reach the server (workspace/didChangeConfiguration).
  vim.cmd.buffer(bufnr)
  require("llmnotes").update_settings({ rules = { ["kb-mismatch"] = "off" } })
  result.rule_off_clears = vim.wait(10000, function()
    return #vim.diagnostic.get(bufnr) == 0
  end, 50)
  require("llmnotes").update_settings({ rules = { ["kb-mismatch"] = "warning" } })
  result.rule_back_as_warning = vim.wait(10000, function()
    local d = vim.diagnostic.get(bufnr)
    return #d == 1 and d[1].severity == vim.diagnostic.severity.WARN
  end, 50)

  if vim.v.errmsg ~= "" then
    record_error("v:errmsg: " .. vim.v.errmsg)
  end
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  record_error(err)
end

-- Neovim logs malformed messages and handler errors to lsp.log at ERROR level.
local log = (vim.lsp.log and vim.lsp.log.get_filename) and vim.lsp.log.get_filename() or vim.lsp.get_log_path()
if vim.fn.filereadable(log) == 1 then
  for _, line in ipairs(vim.fn.readfile(log)) do
    if line:match("^%[ERROR%]") then
      if line:match('"stderr"') then
        -- The server's own log lines: kept for the report, not failures.
        result.server_stderr = (result.server_stderr or 0) + 1
      else
        record_error("lsp.log: " .. line)
      end
    end
  end
end

local json = vim.json.encode(result)
local out = os.getenv("LLMNOTES_OUT")
if out then
  vim.fn.writefile({ json }, out)
end
io.stdout:write(json .. "\n")
vim.cmd("qall!")
