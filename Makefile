# Everyday commands. `make test` is the README's test command; `make install` installs catalog.
.PHONY: build test lint format ci fuzz soak clean-db release manual install uninstall

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
# The release binary: fully static (no dynamic linker, no Swift runtime to find), which starts
# fastest (docs/benchmarks.md). Its own scratch folder, so the debug build in .build stays.
STATIC = .build-static/release/catalog
# The man page is generated from the command definitions by argument-parser's GenerateManual
# plugin; it reads the debug build's --experimental-dump-help, which the tests have built already.
MANUAL = .build/plugins/GenerateManual/outputs/catalog/catalog.1

build:
	swift build

test:
	scripts/bootstrap.sh && scripts/with-postgres.sh swift test

release:
	scripts/bootstrap.sh
	swift build -c release --scratch-path .build-static --product catalog \
		--static-swift-stdlib -Xswiftc -static-executable

manual:
	swift package plugin generate-manual --configuration debug --authors "the catalog developers"

install: release manual
	install -d "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 755 "$(STATIC)" "$(BINDIR)/catalog"
	install -m 644 "$(MANUAL)" "$(MANDIR)/catalog.1"
	"$(STATIC)" --generate-completion-script bash > "$(BASHDIR)/catalog"
	"$(STATIC)" --generate-completion-script zsh > "$(ZSHDIR)/_catalog"
	"$(STATIC)" --generate-completion-script fish > "$(FISHDIR)/catalog.fish"

uninstall:
	rm -f "$(BINDIR)/catalog" "$(MANDIR)/catalog.1" "$(BASHDIR)/catalog" "$(ZSHDIR)/_catalog" \
		"$(FISHDIR)/catalog.fish"

lint:
	swift format lint --strict --recursive Sources Tests Plugins Fuzz/Sources Package.swift Fuzz/Package.swift

format:
	swift format --in-place --recursive Sources Tests Plugins Fuzz/Sources Package.swift Fuzz/Package.swift
	swift format lint --strict --recursive Sources Tests Plugins Fuzz/Sources Package.swift Fuzz/Package.swift

ci:
	bash .ci/run

fuzz:
	scripts/fuzz.sh 60

soak:
	scripts/soak.sh

clean-db:
	rm -f catalog.sqlite3 catalog.sqlite3-wal catalog.sqlite3-shm catalog.sqlite3-lock
