-- :checkhealth llmnotes
local M = {}

function M.check()
  local health = vim.health
  health.start("llmnotes")

  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. tostring(vim.version()) .. ": using vim.lsp.config / vim.lsp.enable")
  elseif vim.fn.has("nvim-0.10") == 1 then
    health.ok("Neovim " .. tostring(vim.version()) .. ": using vim.lsp.start from a FileType autocmd")
  else
    health.error("Neovim 0.10 or newer is required", { "Upgrade Neovim" })
  end

  local llmnotes = require("llmnotes")
  if llmnotes.options then
    health.ok("setup() was called")
  else
    health.warn("setup() has not been called; checking the default command", {
      'Add require("llmnotes").setup({}) to your config',
    })
  end

  local cmd = (llmnotes.options or llmnotes.defaults).cmd
  local exe = type(cmd) == "table" and cmd[1] or nil
  if not exe then
    health.error("cmd is not a list: " .. vim.inspect(cmd))
    return
  end
  if vim.fn.executable(exe) == 0 then
    health.error(("server binary %q not found"):format(exe), {
      "Install it: `cargo install --path .` in the llmnotes repository puts `llmnotes` in ~/.cargo/bin",
      "Or pass the full path: require('llmnotes').setup({ cmd = { '/path/to/llmnotes', 'lsp' } })",
    })
    return
  end
  local path = vim.fn.exepath(exe)
  health.ok("server binary: " .. path)

  local ok, result = pcall(function()
    return vim.system({ path, "--version" }, { text = true }):wait(5000)
  end)
  if not ok then
    health.error("could not run `" .. path .. " --version`: " .. tostring(result))
  elseif result.code ~= 0 then
    health.error(("`llmnotes --version` exited %s: %s"):format(tostring(result.code), vim.trim(result.stderr or "")))
  else
    health.ok("llmnotes --version: " .. vim.trim(result.stdout))
  end

  local clients = vim.lsp.get_clients({ name = llmnotes.name })
  if #clients == 0 then
    health.info("no llmnotes client running (open a Markdown file)")
  end
  for _, client in ipairs(clients) do
    health.info(
      ("client %d: root %s, position encoding %s"):format(
        client.id,
        client.root_dir or "(single file)",
        client.offset_encoding or "?"
      )
    )
  end
end

return M
