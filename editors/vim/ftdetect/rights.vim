" Rights policy files (https://github.com/…/rights): *.rights
autocmd BufRead,BufNewFile *.rights setfiletype rights
