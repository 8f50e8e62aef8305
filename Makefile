# MicroSeg build entry points. See README.md.
SHELL      := /bin/bash
CONFIG     ?= Release
DOTNET     ?= dotnet
ARCH       := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH  := $(shell gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
BPF_SRC    := Bpf/microseg.bpf.c
BPF_DEPS   := $(wildcard Bpf/*.c Bpf/include/*.h Bpf/lib/*.h)
BPF_OBJ    := out/bpf/microseg.bpf.o
BENCH_OBJ  := out/bpf/empty.bpf.o
DEPS_STAMP := out/.deps-ok
CONSOLE_DIR   := Dashboard/console
CONSOLE_SRC   := $(shell find $(CONSOLE_DIR)/src -type f 2>/dev/null) $(wildcard $(CONSOLE_DIR)/*.ts $(CONSOLE_DIR)/*.json $(CONSOLE_DIR)/index.html)
CONSOLE_NPM   := $(CONSOLE_DIR)/node_modules/.package-lock.json
CONSOLE_STAMP := $(CONSOLE_DIR)/dist/index.html

.PHONY: all deps deps-test build bpf console run test bench images clean
# What make run builds: the three programs it starts and the projects they reference, no test project.
# The stamp is newer than every source when nothing changed, so a second make run starts at once.
RUN_SRC    := $(shell find Silo Grains Grains.Interfaces Api Dashboard NodeAgent Bpf Cli deploy/sql -type f \
                -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' 2>/dev/null) \
              Directory.Build.props Directory.Packages.props
RUN_STAMP  := out/.run-build-ok
TEST_DEPS_STAMP := out/.deps-test-ok

all: build

# Installs missing Debian packages (idempotent). The stamp keeps repeated builds fast;
# 'make deps' always re-checks.
deps:
	@scripts/deps.sh
	@mkdir -p out && touch $(DEPS_STAMP)

$(DEPS_STAMP):
	@scripts/deps.sh
	@mkdir -p out && touch $(DEPS_STAMP)

# Packages only the tests and benchmarks use (PostgreSQL, Chromium, iperf3, nftables...).
deps-test:
	@scripts/deps.sh test
	@mkdir -p out && touch $(DEPS_STAMP) $(TEST_DEPS_STAMP)

$(TEST_DEPS_STAMP):
	@scripts/deps.sh test
	@mkdir -p out && touch $(TEST_DEPS_STAMP)

bpf: $(BPF_OBJ)

$(BPF_OBJ): $(BPF_DEPS) | $(DEPS_STAMP)
	@mkdir -p out/bpf
	clang -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) \
	  -I Bpf/include -I Bpf/lib -I /usr/include/$(MULTIARCH) \
	  -c $(BPF_SRC) -o $@

# The empty TC program every per-packet figure is measured against.
$(BENCH_OBJ): Bpf/bench/empty.bpf.c | $(DEPS_STAMP)
	@mkdir -p out/bpf
	clang -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) \
	  -I /usr/include/$(MULTIARCH) -c $< -o $@

# The console (React + Vite): npm ci only when the lock changed, npm run build only when a source changed; the
# Dashboard project embeds dist/, so it is built before the solution.
console: $(CONSOLE_STAMP)

$(CONSOLE_NPM): $(CONSOLE_DIR)/package-lock.json | $(DEPS_STAMP)
	cd $(CONSOLE_DIR) && npm ci --no-audit --no-fund
	@touch $@

$(CONSOLE_STAMP): $(CONSOLE_SRC) $(CONSOLE_NPM)
	cd $(CONSOLE_DIR) && npm run build
	@touch $@

build: $(DEPS_STAMP) $(BPF_OBJ) $(CONSOLE_STAMP)
	$(DOTNET) build MicroSeg.Orleans.sln -c $(CONFIG) -nologo -clp:NoSummary
	$(DOTNET) publish Silo/Silo.csproj -c $(CONFIG) --no-build -nologo -o out/bin
	$(DOTNET) publish NodeAgent/NodeAgent.csproj -c $(CONFIG) --no-build -nologo -o out/bin
	$(DOTNET) publish Cli/Cli.csproj -c $(CONFIG) --no-build -nologo -o out/bin
	@touch $(RUN_STAMP)

$(RUN_STAMP): $(RUN_SRC) $(BPF_OBJ) $(CONSOLE_STAMP) | $(DEPS_STAMP)
	$(DOTNET) publish Silo/Silo.csproj -c $(CONFIG) -nologo -clp:NoSummary -o out/bin
	$(DOTNET) publish NodeAgent/NodeAgent.csproj -c $(CONFIG) -nologo -clp:NoSummary -o out/bin
	$(DOTNET) publish Cli/Cli.csproj -c $(CONFIG) -nologo -clp:NoSummary -o out/bin
	@touch $@

run: $(DEPS_STAMP) $(RUN_STAMP)
	@scripts/run.sh

test: build $(TEST_DEPS_STAMP)
	@scripts/test.sh

bench: build $(BENCH_OBJ) $(TEST_DEPS_STAMP)
	@scripts/bench.sh

# Container images of the silo and the agent (deploy/docker), with base images made locally: no registry here
# serves them. Needs a running Docker daemon and debootstrap; not part of make test. docs/operations.md.
images:
	@deploy/docker/local/build-images.sh

clean:
	rm -rf out $(CONSOLE_DIR)/dist
	$(DOTNET) clean MicroSeg.Orleans.sln -nologo -v q
