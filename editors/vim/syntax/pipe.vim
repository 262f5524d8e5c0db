" SPDX-License-Identifier: MIT
" Vim syntax file
" Language:	pipec pipeline description (.pipe)
"
" The language is in docs/language.md; the token rules it follows are those
" of compiler/lexer.re. Stage bodies and %{ %} / %header{ %} blocks are C,
" highlighted by Vim's own C syntax.
"
" Declarations are followed item by item with nextgroup, the way the lexer
" follows a stage header: "stage" -> its name -> the port list -> its
" attributes -> the body. So a '{' is a C body only right after a stage's
" port list (and attributes and comments after it), a message's '{' opens
" its variants, and 'thread' and 'stack' are attributes only there. A comment anywhere
" else in a declaration's header breaks the chain (the rest of the
" declaration is then shown as plain wiring).

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" C for the bodies and blocks: every C item, contained, in @pipeC.
syntax include @pipeC syntax/c.vim
unlet! b:current_syntax
" Braces are balanced by pipeBodyNest below, which must be the only item to
" take a '{' (C's own block would open a second region on the same brace).
syntax cluster pipeC remove=cBlock,cCurlyError

syntax case match

" Anything at the top level that no declaration claims is wiring: a stage
" or a channel at an end of an arrow, and then maybe '.port'. Defined first
" so that every other match at the same place wins.
syntax match pipeEnd /\<\h\w*\>/ nextgroup=pipeEndPort skipwhite
syntax match pipeEndPort /\.\_s*\h\w*/ contained contains=pipeDot

" Comments, strings and numbers, as the lexer reads them.
syntax keyword pipeTodo contained TODO FIXME XXX NOTE
syntax region pipeComment start=+/\*+ end=+\*/+ contains=pipeTodo,@Spell
syntax match pipeComment +//.*$+ contains=pipeTodo,@Spell
" A string ends on its line; one left open is an error (and ends there).
syntax match pipeStringError +"\%([^"\\]\|\\.\)*\\\=$+
syntax region pipeString start=+"+ skip=+\\.+ end=+"+ oneline contains=pipeEscape
syntax match pipeEscape +\\.+ contained
" "12ab" is an invalid number: the error is defined first, so a valid
" number, which ends at a word boundary, wins where it matches.
syntax match pipeNumberError /\<\d\w*\%(\.\w*\)*/
syntax match pipeNumber /\<\d\+\>/
syntax match pipeNumber /\<0[xX]\x\+\>/
syntax match pipeFloat /\<\d\+\.\d\+\%([eE][+-]\=\d\+\)\=\>/
syntax match pipeFloat /\<\d\+[eE][+-]\=\d\+\>/

" Keywords everywhere outside C (none of them can be a name). The ones that
" start a declaration lead on to its name.
syntax keyword pipeKeyword pipeline nextgroup=pipePipelineName skipwhite skipempty
syntax keyword pipeKeyword param nextgroup=pipeParamName skipwhite skipempty
syntax keyword pipeKeyword message nextgroup=pipeMessageName skipwhite skipempty
syntax keyword pipeKeyword stage nextgroup=pipeStageName skipwhite skipempty
syntax keyword pipeKeyword channel nextgroup=pipeChannelName skipwhite skipempty
syntax keyword pipeKeyword extern in out drop copy
syntax keyword pipeBoolean true false
syntax keyword pipeImport import nextgroup=pipeImportPath skipwhite skipempty
syntax region pipeImportPath start=+"+ skip=+\\.+ end=+"+ oneline contained contains=pipeEscape

" pipeline NAME [allow cycles];
syntax match pipePipelineName /\h\w*/ contained nextgroup=pipeAllowCycles skipwhite skipempty
syntax match pipeAllowCycles /\<allow\_s\+cycles\>/ contained

" param NAME: TYPE = DEFAULT;  (the types are keywords only here)
syntax match pipeParamName /\h\w*/ contained nextgroup=pipeParamColon skipwhite skipempty
syntax match pipeParamColon /:/ contained nextgroup=pipeParamTypeError,pipeParamType skipwhite skipempty
syntax match pipeParamTypeError /\h\w*/ contained
syntax match pipeParamType /\<\%(int\|long\|size\|double\|bool\|string\)\>/ contained

" message NAME drop(f) copy(g) { Variant; Variant(c type); Variant(f: type); }
syntax match pipeMessageName /\h\w*/ contained nextgroup=pipeHook,pipeVariants skipwhite skipempty
syntax match pipeHook /\<\%(drop\|copy\)\>/ contained nextgroup=pipeHookArgs skipwhite skipempty
syntax region pipeHookArgs matchgroup=pipeParen start=/(/ end=/)/ contained contains=pipeHookName,pipeComment nextgroup=pipeHook,pipeVariants skipwhite skipempty
syntax match pipeHookName /\h\w*/ contained
syntax region pipeVariants matchgroup=pipeBrace start=/{/ end=/}/ contained contains=pipeComment,pipeVariantName,pipePayload fold
syntax match pipeVariantName /\h\w*/ contained
syntax region pipePayload matchgroup=pipeParen start=/(/ end=/)/ contained contains=pipeComment,pipeCType,pipeFieldName
syntax match pipeCType /\h\w*\|\*/ contained
syntax match pipeFieldName /\h\w*\ze\_s*:/ contained

" [extern] stage NAME(in a: M.V, out b: M.{V, W}) { C } or ;
syntax match pipeStageName /\h\w*/ contained nextgroup=pipePorts skipwhite skipempty
syntax region pipePorts matchgroup=pipeParen start=/(/ end=/)/ contained contains=pipeComment,pipeDirection,pipePortColon nextgroup=@pipeAfterPorts skipwhite skipempty
" What may follow the port list: attributes, comments, the body.
syntax cluster pipeAfterPorts contains=pipeAttributeError,pipeAttribute,pipeBody,pipeHeadComment
" A comment between the port list and the body: "stage s(...) // why"
syntax region pipeHeadComment start=+/\*+ end=+\*/+ contained contains=pipeTodo,@Spell nextgroup=@pipeAfterPorts skipwhite skipempty
syntax match pipeHeadComment +//.*$+ contained contains=pipeTodo,@Spell nextgroup=@pipeAfterPorts skipwhite skipempty
" Attributes: "thread", "stack(64k)". Any other name there is one pipec
" does not know (defined first, so that the known ones win).
syntax match pipeAttributeError /\h\w*/ contained nextgroup=@pipeAfterPorts skipwhite skipempty
syntax match pipeAttribute /\<thread\>/ contained nextgroup=@pipeAfterPorts skipwhite skipempty
syntax match pipeAttribute /\<stack\>/ contained nextgroup=pipeStackSize skipwhite skipempty
syntax region pipeStackSize matchgroup=pipeParen start=/(/ end=/)/ contained contains=pipeSizeError,pipeSize,pipeComment nextgroup=@pipeAfterPorts skipwhite skipempty
" A size: bytes, or KiB or MiB with k or M; anything else is malformed.
syntax match pipeSizeError /[^ \t)]\+/ contained
syntax match pipeSize /\<\d\+[kKmM]\=\>/ contained
syntax keyword pipeDirection in out contained nextgroup=pipePortName skipwhite skipempty
syntax match pipePortName /\h\w*/ contained
syntax match pipePortColon /:/ contained nextgroup=pipeTypeName skipwhite skipempty
" A message type, then maybe .Variant or .{Variant, ...}
syntax match pipeTypeName /\h\w*/ contained nextgroup=pipeTypeDot skipwhite skipempty
syntax match pipeTypeDot /\./ contained nextgroup=pipeVariantName,pipeVariantSet skipwhite skipempty
syntax region pipeVariantSet matchgroup=pipeBrace start=/{/ end=/}/ contained contains=pipeVariantName,pipeComment
" The body: from the '{' after the port list to the '}' that balances it.
" Braces inside C strings, character constants and comments are taken by
" those C items first, so they do not count, as in the lexer.
syntax region pipeBody matchgroup=pipeBodyBrace start=/{/ end=/}/ contained contains=@pipeC,pipeBodyNest fold
syntax region pipeBodyNest start=/{/ end=/}/ contained transparent contains=@pipeC,pipeBodyNest

" channel NAME[: TYPE] [count];
syntax match pipeChannelName /\h\w*/ contained nextgroup=pipeChannelColon skipwhite skipempty
syntax match pipeChannelColon /:/ contained nextgroup=pipeTypeName skipwhite skipempty
syntax region pipeChannelCount matchgroup=pipeBracket start=/\[/ end=/\]/ oneline contains=pipeNumber,pipeCount,pipeUnbounded,pipeComment

" Wiring: a -[N]-> b * n; a.p => b; a =[N]=> b;
" An arrow's pieces are single tokens: "-[" is an arrow, "- [" is not.
syntax match pipeArrow /->\|=>/
syntax region pipeCapacity matchgroup=pipeArrow start=/-\[/ end=/\]->/ oneline contains=pipeNumber,pipeCount,pipeUnbounded,pipeMinus,pipeComment
syntax region pipeCapacity matchgroup=pipeArrow start=/=\[/ end=/\]=>/ oneline contains=pipeNumber,pipeCount,pipeUnbounded,pipeMinus,pipeComment
syntax match pipeCount /\h\w*/ contained
syntax match pipeUnbounded /\*/ contained
syntax match pipeMinus /-/ contained
syntax match pipeReplicate /\*/ nextgroup=pipeCount,pipeNumber skipwhite skipempty
syntax match pipeDot /\./ contained

" C blocks: copied verbatim, so they end at the first %}, even one inside
" a C string (keepend).
syntax region pipeCBlock matchgroup=pipeCBlockDelim start=/%{/ end=/%}/ keepend contains=@pipeC,pipeBodyNest
syntax region pipeCBlock matchgroup=pipeCBlockDelim start=/%header{/ end=/%}/ keepend contains=@pipeC,pipeBodyNest

" A body or a block may be long and starts far above: C's syntax asks for
" comment-based syncing, which cannot tell where a body begins.
syntax sync clear
syntax sync fromstart

highlight default link pipeTodo Todo
highlight default link pipeComment Comment
highlight default link pipeHeadComment pipeComment
highlight default link pipeString String
highlight default link pipeStringError Error
highlight default link pipeEscape SpecialChar
highlight default link pipeNumber Number
highlight default link pipeFloat Float
highlight default link pipeNumberError Error
highlight default link pipeKeyword Keyword
highlight default link pipeBoolean Boolean
highlight default link pipeImport Include
highlight default link pipeImportPath String
highlight default link pipePipelineName Identifier
highlight default link pipeAllowCycles Keyword
highlight default link pipeParamName Identifier
highlight default link pipeParamType Type
highlight default link pipeParamTypeError Error
highlight default link pipeMessageName Type
highlight default link pipeHook Keyword
highlight default link pipeHookName Function
highlight default link pipeVariantName Constant
highlight default link pipeCType Type
highlight default link pipeFieldName Identifier
highlight default link pipeStageName Function
highlight default link pipeDirection Keyword
highlight default link pipePortName Identifier
highlight default link pipeTypeName Type
highlight default link pipeBodyBrace Delimiter
highlight default link pipeAttribute StorageClass
highlight default link pipeAttributeError Error
highlight default link pipeSize Number
highlight default link pipeSizeError Error
highlight default link pipeChannelName Identifier
highlight default link pipeArrow Operator
highlight default link pipeReplicate Operator
highlight default link pipeCount Identifier
highlight default link pipeUnbounded Special
highlight default link pipeEnd Function
highlight default link pipeEndPort Identifier
highlight default link pipeCBlockDelim PreProc

let b:current_syntax = 'pipe'

let &cpo = s:cpo_save
unlet s:cpo_save
