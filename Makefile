# Everyday commands. `make test` is the README's test command.
.PHONY: build test lint format ci fuzz soak clean-db

build:
	swift build

test:
	scripts/bootstrap.sh && swift test

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
