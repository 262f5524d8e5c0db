" SPDX-License-Identifier: MIT
" pipec pipeline descriptions (docs/language.md).
autocmd BufNewFile,BufRead *.pipe setfiletype pipe
