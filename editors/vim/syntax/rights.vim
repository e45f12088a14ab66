" Vim syntax file for the Rights policy language (docs/reference in the repository).
" Works in Vim 8+ and every Neovim, with or without the language server
" (`rights lsp` adds semantic tokens where the client asks for them).
"
" The keyword lists are the language's (syntax::KEYWORDS); a test checks
" that together they name exactly those words.

if exists('b:current_syntax')
  finish
endif

" a dotted name is one word: `report` alone is a keyword, `report.status_detail`
" is a name
syntax iskeyword @,48-57,_,.

" words that start a declaration (at the top level, or data inside a test)
syntax keyword rightsDeclaration right rights access flag tag default role action deny
syntax keyword rightsDeclaration report group user resource event test
" words that start a test line or a query
syntax keyword rightsStatement expect can who what explain run assign shows
" the other words of declarations and queries
syntax keyword rightsKeyword extends grant assigns on when also requires rows resources
syntax keyword rightsKeyword where details detail roles revoke flags in to do as for
syntax keyword rightsKeyword groups tags full name_only denied empty
" conditions
syntax keyword rightsOperator and or not
syntax keyword rightsBoolean true false
" version 3 (§9): keywords only where §9 uses them, so matched, not keywords
syntax match rightsKeyword "\<\%(inherited\|attribute\|same\|context\|with\|at\|from\|until\|expiring\|within\|days\)\>"
syntax match rightsDate "\<\d\{4}-\d\d-\d\d\>"

syntax match rightsComment "#.*$" contains=rightsTodo,@Spell
syntax match rightsDocComment "##.*$" contains=rightsTodo,@Spell
syntax keyword rightsTodo TODO FIXME XXX contained
syntax region rightsString start=/"/ skip=/\\./ end=/"/ oneline contains=@Spell
syntax match rightsNumber "\<\d\+\>"
syntax match rightsPattern "\<\h\w*\%(\.\h\w*\)*\.\*"

highlight default link rightsDeclaration Structure
highlight default link rightsStatement Statement
highlight default link rightsKeyword Keyword
highlight default link rightsOperator Operator
highlight default link rightsBoolean Boolean
highlight default link rightsDate Number
highlight default link rightsComment Comment
highlight default link rightsDocComment SpecialComment
highlight default link rightsTodo Todo
highlight default link rightsString String
highlight default link rightsNumber Number
highlight default link rightsPattern Special

let b:current_syntax = 'rights'
