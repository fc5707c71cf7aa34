-- llmnotes for Neovim: starts `llmnotes lsp` for Markdown buffers.
--
--   require("llmnotes").setup({
--     cmd = { "llmnotes", "lsp" },          -- the server command
--     filetypes = { "markdown" },
--     root_markers = { "llmnotes.toml", ".git" },
--     settings = {                            -- mirrors llmnotes.toml
--       rules = { ["kb-mismatch"] = "error", spelling = "off" },
--       inlayHints = { enabled = false },
--       kb = { paths = { "kb/local.toml" } },
--     },
--   })
--
-- On Neovim >= 0.11 this registers the server with vim.lsp.config/vim.lsp.enable;
-- on 0.10 it calls vim.lsp.start from a FileType autocmd.

local M = {}

M.name = "llmnotes"

M.defaults = {
  cmd = { "llmnotes", "lsp" },
  filetypes = { "markdown" },
  root_markers = { "llmnotes.toml", ".git" },
  settings = {},
  -- Force the Neovim 0.10 code path (vim.lsp.start) even on newer versions.
  legacy = false,
}

--- The effective options after setup (nil before).
M.options = nil

local function notify(msg, level)
  vim.notify("llmnotes: " .. msg, level or vim.log.levels.INFO)
end

--- Accepts settings either as { rules = ... } or as { llmnotes = { rules = ... } }.
local function normalize_settings(settings)
  settings = settings or {}
  if type(settings.llmnotes) == "table" then
    return settings.llmnotes
  end
  return settings
end

--- The configuration handed to Neovim's LSP client.
function M.client_config(opts)
  opts = opts or M.options or M.defaults
  local settings = normalize_settings(opts.settings)
  return {
    name = M.name,
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    -- The server reads these at initialize...
    init_options = settings,
    -- ...and Neovim sends { llmnotes = ... } in workspace/didChangeConfiguration and
    -- answers workspace/configuration for the "llmnotes" section from this table.
    settings = { llmnotes = settings },
  }
end

local function check_executable(cmd)
  local exe = type(cmd) == "table" and cmd[1] or nil
  if exe and vim.fn.executable(exe) == 0 then
    notify(
      ("server binary %q not found or not executable. Install it (`cargo install --path .` in the llmnotes repository) "
        .. "or pass cmd = { '/path/to/llmnotes', 'lsp' } to setup(). See :checkhealth llmnotes"):format(exe),
      vim.log.levels.WARN
    )
    return false
  end
  return true
end

--- The workspace for a buffer: the nearest folder with a root marker, else the
--- note's own folder, so a plain folder of notes (no git, no llmnotes.toml) is
--- still indexed as a whole and cross-note conflicts show up.
function M.root_dir(bufnr, markers)
  local root = vim.fs.root(bufnr, markers)
  if root then
    return root
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name ~= "" then
    return vim.fs.dirname(name)
  end
  return nil
end

local function start_legacy(config, bufnr)
  -- Like vim.lsp.enable on 0.11+: only real file buffers (not help, nofile scratch...).
  if vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local root_dir = M.root_dir(bufnr, config.root_markers)
  return vim.lsp.start({
    name = config.name,
    cmd = config.cmd,
    root_dir = root_dir,
    workspace_folders = root_dir and { { uri = vim.uri_from_fname(root_dir), name = root_dir } } or nil,
    init_options = config.init_options,
    settings = config.settings,
  }, { bufnr = bufnr })
end

--- Applies the settings to running clients (sends workspace/didChangeConfiguration).
function M.update_settings(settings)
  if not M.options then
    return
  end
  M.options.settings = settings or {}
  local config = M.client_config()
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    client.settings = config.settings
    if vim.fn.has("nvim-0.11") == 1 then
      client:notify("workspace/didChangeConfiguration", { settings = config.settings })
    else
      client.notify("workspace/didChangeConfiguration", { settings = config.settings })
    end
  end
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if opts and opts.settings then
    -- Replace rather than merge, so a rule removed by the user is removed.
    M.options.settings = opts.settings
  end
  local config = M.client_config()
  check_executable(config.cmd)

  local modern = vim.fn.has("nvim-0.11") == 1 and not M.options.legacy
  if modern then
    vim.lsp.config(M.name, {
      cmd = config.cmd,
      filetypes = config.filetypes,
      root_dir = function(bufnr, on_dir)
        local root = M.root_dir(bufnr, config.root_markers)
        if root then
          on_dir(root)
        end
      end,
      init_options = config.init_options,
      settings = config.settings,
    })
    vim.lsp.enable(M.name)
  elseif vim.fn.has("nvim-0.10") == 1 then
    local group = vim.api.nvim_create_augroup("llmnotes", { clear = true })
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = config.filetypes,
      callback = function(args)
        start_legacy(M.client_config(), args.buf)
      end,
    })
    -- Buffers that were already open when setup() ran.
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(config.filetypes, vim.bo[buf].filetype) then
        start_legacy(config, buf)
      end
    end
  else
    notify("Neovim 0.10 or newer is required", vim.log.levels.ERROR)
    return
  end

  M.create_commands()
end

local function server_binary()
  local cmd = (M.options or M.defaults).cmd
  return type(cmd) == "table" and cmd[1] or "llmnotes"
end

local function run(args, cwd)
  local result = vim.system(vim.list_extend({ server_binary() }, args), { text = true, cwd = cwd }):wait(60000)
  if result.code ~= 0 then
    notify(("`llmnotes %s` failed: %s"):format(table.concat(args, " "), vim.trim(result.stderr or "")), vim.log.levels.ERROR)
    return nil
  end
  return result.stdout
end

function M.create_commands()
  -- :LlmnotesShow GPT-2 — the facts card in a scratch Markdown buffer.
  vim.api.nvim_create_user_command("LlmnotesShow", function(cmd)
    local out = run({ "show", "--format", "markdown", "--no-color", cmd.args })
    if not out then
      return
    end
    vim.cmd("new")
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = "nofile"
    vim.bo[buf].bufhidden = "wipe"
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(out, "\n", { trimempty = true }))
    vim.bo[buf].filetype = "markdown"
  end, { nargs = 1, desc = "llmnotes: show a model's facts card" })

  -- :LlmnotesTimeline [folder] — insert a Markdown timeline below the cursor.
  vim.api.nvim_create_user_command("LlmnotesTimeline", function(cmd)
    local folder = cmd.args ~= "" and cmd.args
      or vim.fs.root(0, (M.options or M.defaults).root_markers)
      or vim.fn.getcwd()
    local out = run({ "timeline", "--no-color", folder }, folder)
    if out then
      vim.api.nvim_put(vim.split(out, "\n", { trimempty = true }), "l", true, true)
    end
  end, { nargs = "?", complete = "dir", desc = "llmnotes: insert a timeline of the models the notes mention" })
end

return M
