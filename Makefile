# 与 ./run 相同的入口，供习惯用 make 的开发者使用。
.PHONY: demo test setup lint

demo:
	./run demo

test:
	./run test

setup:
	./run setup

lint:
	.venv/bin/ruff check src tests tools
	.venv/bin/mypy
