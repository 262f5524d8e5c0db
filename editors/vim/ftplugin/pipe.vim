" SPDX-License-Identifier: MIT
" Vim filetype plugin for pipec pipeline descriptions (.pipe): comments as
" in C, so that gq, the comment leaders and commenting plugins work.

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croql

let b:undo_ftplugin = 'setlocal comments< commentstring< formatoptions<'
