" vim-checks.vim - checks editors/vim on the test files, run by
" editors/test.sh in a bare Vim with editors/vim first in 'runtimepath':
"
"   EDITORS_VIM=editors/vim EDITORS_TEST_DIR=editors/test EDITORS_TEST_OUT=out \
"   vim -N -u NONE -i NONE -es --cmd 'let &rtp = $EDITORS_VIM . "," . &rtp' \
"       -c 'filetype plugin on' -c 'syntax on' -S editors/test/vim-checks.vim
"
" $EDITORS_TEST_DIR is this folder; the results, one "ok ..." or
" "FAIL ..." line each and "done" at the end, go to $EDITORS_TEST_OUT.
"
" Each check finds a pattern in the file (the first match from the top;
" \zs marks the place) and compares the syntax group there,
" synIDattr(synID(line, col, 1), 'name'), with the one expected (a regex
" when it has a '\|').

let s:out = []

function! s:report(ok, what) abort
  call add(s:out, (a:ok ? 'ok   ' : 'FAIL ') . a:what)
endfunction

function! s:open(name) abort
  execute 'edit ' . fnameescape($EDITORS_TEST_DIR . '/' . a:name)
  let s:file = a:name
endfunction

function! s:check(pattern, group, what) abort
  call cursor(1, 1)
  let [lnum, col] = searchpos(a:pattern, 'cW')
  if lnum == 0
    call s:report(0, 'vim: ' . s:file . ': ' . a:what . ': pattern not found: ' . a:pattern)
    return
  endif
  let got = synIDattr(synID(lnum, col, 1), 'name')
  let ok = got =~# '^\%(' . a:group . '\)$'
  call s:report(ok, 'vim: ' . s:file . ': ' . a:what . ' is ' . a:group
        \ . (ok ? '' : ' (got ' . (got ==# '' ? 'no group' : got) . ' at ' . lnum . ':' . col . ')'))
endfunction

call s:open('sample.pipe')
call s:report(&filetype ==# 'pipe', 'vim: *.pipe files have filetype pipe')
call s:report(&commentstring ==# '//%s' || &commentstring ==# '// %s', 'vim: the comment string is //')
call s:report(exists('b:current_syntax') && b:current_syntax ==# 'pipe', 'vim: the pipe syntax is loaded')

call s:check('\%^/\*', 'pipeComment', 'a block comment')
call s:check('// how many', 'pipeComment', 'a line comment')
call s:check('// \zsTODO', 'pipeTodo', 'TODO in a comment')
call s:check('^pipeline', 'pipeKeyword', 'the keyword pipeline')
call s:check('^pipeline \zssample', 'pipePipelineName', "the pipeline's name")
call s:check('^%header{', 'pipeCBlockDelim', '%header{')
call s:check('^typedef', 'cTypedef', 'C in %header{ %}')
call s:check('^#include <stdlib', 'cInclude', 'C in %{ %}')
call s:check('^\tif (m->tag', 'pipeCBlock', 'a tab in %{ %}')
call s:check('^\t\zsif (m->tag', 'cConditional', 'if in a C function in %{ %}')
call s:check('^%}\n\nparam', 'pipeCBlockDelim', 'the %} closing a C block')
call s:check('^param limit', 'pipeKeyword', 'the keyword param')
call s:check('^param \zslimit', 'pipeParamName', "a parameter's name")
call s:check('limit: \zslong', 'pipeParamType', "a parameter's type")
call s:check('0x10', 'pipeNumber', 'a hexadecimal integer')
call s:check('1\.5e-3', 'pipeFloat', 'a floating-point number')
call s:check('= \zs16;', 'pipeNumber', 'an integer')
call s:check('"a \\"quoted', 'pipeString', 'a string')
call s:check('a \zs\\"quoted', 'pipeEscape', 'an escape in a string')
call s:check('= \zsfalse', 'pipeBoolean', 'false')
call s:check('^message', 'pipeKeyword', 'the keyword message')
call s:check('^message \zsItem', 'pipeMessageName', "a message's name")
call s:check('drop(item_drop)', 'pipeHook', 'a hook')
call s:check('drop(\zsitem_drop)', 'pipeHookName', "a hook's function")
call s:check('^\t\zsTick;', 'pipeVariantName', 'a variant')
call s:check('Data(\zsblob:', 'pipeFieldName', 'a field')
call s:check('\zsunsigned long)', 'pipeCType', "a payload's C type")
call s:check('^channel', 'pipeKeyword', 'the keyword channel')
call s:check('^channel \zsmixed', 'pipeChannelName', "a channel's name")
call s:check('Item \[\zs\*\];', 'pipeUnbounded', 'an unbounded capacity')
call s:check('^stage make', 'pipeKeyword', 'the keyword stage')
call s:check('^stage \zsmake', 'pipeStageName', "a stage's name")
call s:check('make(\zsout items', 'pipeDirection', "a port's direction")
call s:check('make(out \zsitems', 'pipePortName', "a port's name")
call s:check('make(out items: \zsItem', 'pipeTypeName', "a port's message type")
call s:check('make(out items: Item\.{\zsData', 'pipeVariantName', "a variant in a port's type")
call s:check('Tick}) \zs{\n\t/\*', 'pipeBodyBrace', 'the { opening a stage body')
call s:check('^\t\zswhile (Item_send', 'cRepeat', 'while in a body')
call s:check('^\t\zsfor (long', 'cRepeat', 'for in a body')
call s:check('close = \zs"}"', 'cString\|cCppString', 'a "}" in a body')
call s:check("open = \\zs'{'", 'cCharacter', "a '{' in a body")
call s:check('/\* a \zs} in', 'cComment', 'a } in a comment in a body')
call s:check('^\t\t\t\zsbreak;', 'cStatement', 'C in nested braces')
call s:check('^\t\zsreturn 0;\n}\n\nextern', 'cStatement', 'C after nested braces')
call s:check('return 0;\n\zs}\n\nextern', 'pipeBodyBrace', 'the } closing a body')
call s:check('^extern', 'pipeKeyword', 'extern after a body')
call s:check('^extern \zsstage', 'pipeKeyword', 'stage after extern')
call s:check('^extern stage \zsaudit', 'pipeStageName', "an extern stage's name")
call s:check('Count) \zsthread stack', 'pipeAttribute', "an extern stage's attribute thread")
call s:check('thread \zsstack(64k)', 'pipeAttribute', 'the attribute stack')
call s:check('stack(\zs64k)', 'pipeSize', 'a stack size')
call s:check('64k\zs);', 'pipeParen', "the ) closing a stack size")
call s:check('keep(in \zsthread', 'pipePortName', "a port named thread")
call s:check('^\t\zsstack(1M)', 'pipeAttribute', 'an attribute on the line after the port list')
call s:check('stack(\zs1M)', 'pipeSize', 'a size in MiB')
call s:check('stack(1M) \zs{', 'pipeBodyBrace', 'the { opening a body after attributes')
call s:check('^\t\zswhile (Item_recv(thread', 'cRepeat', 'C in that body')
call s:check('^make =>', 'pipeEnd', 'a stage in the wiring')
call s:check('^make \zs=> audit', 'pipeArrow', 'a broadcast arrow')
call s:check('audit \zs\* workers', 'pipeReplicate', "a replica count's *")
call s:check('audit \* \zsworkers', 'pipeCount', 'a parameter as replica count')
call s:check('=\[capacity', 'pipeArrow', '=[')
call s:check('=\[\zscapacity', 'pipeCount', 'a parameter as capacity')
call s:check('=\[\zs4\]', 'pipeNumber', 'a capacity')
call s:check('=\[4\zs\]=>', 'pipeArrow', ']=>')
call s:check('-\[\zs\*\]->', 'pipeUnbounded', 'an unbounded capacity')
call s:check('\zs-> mixed;', 'pipeArrow', 'an arrow')
call s:check('both\.\zsleft', 'pipeEndPort', 'a port in the wiring')

call s:open('corners.pipe')
call s:check('pipeline corners \zsallow cycles', 'pipeAllowCycles', 'allow cycles')
call s:check('^import', 'pipeImport', 'import')
call s:check('^import \zs"', 'pipeImportPath', "an import's path")
call s:check('"\zs%}";', 'pipeCBlockDelim', 'a %} in a C string, which ends the block')
call s:check('= \zs12ab;', 'pipeNumberError', 'an invalid number')
call s:check('odd: \zsfloat', 'pipeParamTypeError', 'an unknown parameter type')
call s:check('= \zs"no end', 'pipeStringError', 'an unterminated string')
call s:check('^\s\+\zsSquared})', 'pipeVariantName', "a variant on a port list's third line")
call s:check('^{\n\tif', 'pipeBodyBrace', "a body's { on a line of its own")
call s:check('^\t\zsif (a)', 'cConditional', 'C in that body')
call s:check('b(); }\n\zs}', 'pipeBodyBrace', 'the } closing it')
call s:check('// a comment before the body', 'pipeHeadComment', 'a comment between the ports and the body')
call s:check('^\t\zswhile (a)', 'cRepeat', 'C in the body after it')
call s:check('{ }\n\zs}\n\nwide', 'pipeBodyBrace', 'the } closing that body')
call s:check('^wide -\[', 'pipeEnd', 'the wiring after it')
call s:check('attrs(in \zsstack', 'pipePortName', 'a port named stack')
call s:check('Num) \zsthreads', 'pipeAttributeError', 'an unknown attribute')
call s:check('^\t\zsstack(64kb)', 'pipeAttribute', 'stack on the next line')
call s:check('stack(\zs64kb', 'pipeSizeError', 'a malformed size')
call s:check('\zs/\* a comment \*/ thread', 'pipeHeadComment', 'a comment among the attributes')
call s:check('\*/ \zsthread {', 'pipeAttribute', 'thread after that comment')
call s:check('\*/ thread \zs{', 'pipeBodyBrace', 'the { opening that body')
call s:check('^\t\zsif (stack)', 'cConditional', 'C in that body')
call s:check('tight(in a: Num)\zs{', 'pipeBodyBrace', 'a body right after the )')
call s:check('tight(in a: Num){ \zsif', 'cConditional', 'C in that body')
call s:check('-\[ \zs4 \]->', 'pipeNumber', 'a capacity with blanks')

call add(s:out, 'done')
call writefile(s:out, $EDITORS_TEST_OUT)
qall!
