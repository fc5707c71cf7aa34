;;; emacs_test.el --- drive eglot against llmnotes in batch mode  -*- lexical-binding: t -*-
;;
;; emacs --batch -q -l tests/editors/emacs_test.el
;; Environment: LLMNOTES_BIN, LLMNOTES_NOTE, LLMNOTES_OUT (JSON result file).
;; Uses the README snippet (editors/README.md) verbatim apart from the binary path.

(require 'package)
(package-initialize)
(require 'json)
(require 'markdown-mode)
(require 'eglot)

(defvar llmnotes-test-result nil)
(defvar llmnotes-test-errors nil)

(defun llmnotes-test--put (key value)
  (setq llmnotes-test-result (plist-put llmnotes-test-result key value)))

(defun llmnotes-test--wait (seconds predicate)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (funcall predicate)))

(let ((bin (getenv "LLMNOTES_BIN"))
      (note (getenv "LLMNOTES_NOTE")))
  ;; The README snippet, with the binary's full path.
  (with-eval-after-load 'eglot
    (add-to-list 'eglot-server-programs
                 `((markdown-mode gfm-mode) . (,bin "lsp")))
    (setq-default eglot-workspace-configuration
                  '(:llmnotes (:rules (:spelling "off") :inlayHints (:enabled t)))))
  (add-hook 'markdown-mode-hook #'eglot-ensure)
  (condition-case err
      (progn
        (find-file note)
        (llmnotes-test--put :mode (symbol-name major-mode))
        ;; eglot-ensure connects from post-command-hook, which the batch-mode
        ;; command loop never runs: run it as the interactive loop would.
        (run-hooks 'post-command-hook)
        (unless (llmnotes-test--wait 20 (lambda () (eglot-current-server)))
          (push "eglot did not connect" llmnotes-test-errors))
        (let ((server (eglot-current-server)))
          (when server
            (llmnotes-test--put :server (plist-get (eglot--server-info server) :name))
            (unless (llmnotes-test--wait
                     20 (lambda () (flymake-diagnostics (point-min) (point-max))))
              (push "no flymake diagnostics" llmnotes-test-errors))
            (llmnotes-test--put
             :diagnostics
             (vconcat
              (mapcar (lambda (d)
                        (let ((beg (flymake-diagnostic-beg d)))
                          (list :line (1- (line-number-at-pos beg))
                                ;; characters from the start of the line (not display columns)
                                :column (save-excursion
                                          (goto-char beg)
                                          (- beg (line-beginning-position)))
                                :text (buffer-substring-no-properties
                                       beg (flymake-diagnostic-end d))
                                :type (format "%s" (flymake-diagnostic-type d))
                                :message (flymake-diagnostic-text d))))
                      (flymake-diagnostics (point-min) (point-max)))))
            (goto-char (point-min))
            (forward-line 2)
            (let* ((hover (jsonrpc-request server :textDocument/hover
                                           (eglot--TextDocumentPositionParams)))
                   (contents (and hover (plist-get hover :contents))))
              (llmnotes-test--put :hover (if (stringp contents) contents
                                           (plist-get contents :value)))))))
    (error (push (format "%S" err) llmnotes-test-errors)))
  (llmnotes-test--put :errors (vconcat (reverse llmnotes-test-errors)))
  (with-temp-file (getenv "LLMNOTES_OUT")
    (insert (json-encode llmnotes-test-result)))
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs 0))
