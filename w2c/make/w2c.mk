# w2c.mk: GNU Make rules for w2c, the WebAssembly-to-C compiler.
#
#     W2C_TARGET := cortex-m3               # optional: a profile of `w2c targets`
#     include $(shell w2c --make-include)
#
# See docs/build-systems.md.  Set before the include (or on make's command line):
#
#   W2C          the w2c command (default: w2c)
#   W2C_TARGET   a target profile: fills the W2C_TARGET_* variables below from
#                `w2c target-info $(W2C_TARGET) --format make` (the same flags,
#                startup files and memory map as `w2c build --target`), and sets
#                CC to the profile's compiler unless CC was set
#
# Set anywhere:
#
#   W2C_FLAGS    options of every `w2c compile` (--enable-all, --max-memory 64K, ...)
#
# Provides:
#
#   W2C_MK, W2C_RUNTIME_DIR, W2C_TARGETS_DIR   this file, the C runtime, the profiles
#   W2C_TARGET_CC, W2C_TARGET_CFLAGS           compiler; compile flags (with -std=c99
#                                              and the runtime configuration -D macros)
#   W2C_TARGET_LDFLAGS, W2C_TARGET_LDLIBS      link flags before / after the objects
#                                              (bare metal: -T script, memory map; -lgcc)
#   W2C_TARGET_STARTUP, W2C_TARGET_LINKER_SCRIPT   bare metal: startup C files, script
#   W2C_TARGET_SIZE, W2C_TARGET_RUN            size tool; how to run ({elf}: the program)
#   W2C_TARGET_NAME, W2C_TARGET_OS             the profile's name; linux or none
#
#   %.c %.h: %.wasm                            one w2c run writes both (safe with -j)
#   $(eval $(call w2c_module,IN.wasm,OUT.c[,N[,FLAGS]]))
#                                              a rule: `w2c compile IN.wasm -o OUT.c
#                                              [--num-outputs N] [FLAGS]`, all of whose
#                                              outputs are made by one run (make -j)
#   $(call w2c_outputs,OUT.c[,N[,FLAGS]])      the files that command writes (without
#                                              the runtime headers it copies beside them)
#   $(call w2c_sources,OUT.c[,N[,FLAGS]])      the .c files among them
#
# A changed .wasm is translated again; after changing W2C_FLAGS, touch the
# .wasm files (or delete the outputs).

W2C_MK := $(abspath $(lastword $(MAKEFILE_LIST)))
W2C ?= w2c
W2C_FLAGS ?=

# The data folders, found as w2c.resources finds them: inside the package
# (an installed wheel), else at the top of the source checkout.
_w2c_pkg := $(patsubst %/,%,$(dir $(patsubst %/,%,$(dir $(W2C_MK)))))
W2C_RUNTIME_DIR := $(firstword $(wildcard $(_w2c_pkg)/runtime_c $(dir $(_w2c_pkg))runtime_c))
W2C_TARGETS_DIR := $(firstword $(wildcard $(_w2c_pkg)/targets $(dir $(_w2c_pkg))targets))
ifeq ($(W2C_RUNTIME_DIR),)
$(error w2c.mk: the C runtime is not beside $(W2C_MK) (a broken install of w2c?))
endif

# -- the target profile ----------------------------------------------------------------------
W2C_TARGET_NAME :=
ifneq ($(strip $(W2C_TARGET)),)
# One word per assignment (VAR:= then VAR+=word), so $(shell)'s joined lines split apart.
_w2c_info := $(shell $(W2C) target-info $(W2C_TARGET) --format make)
$(foreach _w2c_w,$(_w2c_info),$(eval $(_w2c_w)))
ifneq ($(W2C_TARGET_NAME),$(strip $(W2C_TARGET)))
$(error w2c.mk: no build data for W2C_TARGET=$(W2C_TARGET) from '$(W2C) target-info' (see its message above))
endif
ifeq ($(origin CC),default)
CC := $(W2C_TARGET_CC)
endif
endif

# -- outputs ---------------------------------------------------------------------------------
# 0 .. 999, for the numbered outputs of --num-outputs.
_w2c_d := 0 1 2 3 4 5 6 7 8 9
_w2c_nums := $(_w2c_d) $(foreach a,$(wordlist 2,10,$(_w2c_d)),$(foreach b,$(_w2c_d),$(a)$(b))) \
  $(foreach a,$(wordlist 2,10,$(_w2c_d)),$(foreach b,$(_w2c_d),$(foreach c,$(_w2c_d),$(a)$(b)$(c))))
_w2c_count = $(or $(strip $(1)),1)
_w2c_wasi = $(filter --wasi,$(1) $(W2C_FLAGS))

w2c_sources = $(strip \
  $(if $(filter-out 1,$(call _w2c_count,$(2))), \
    $(if $(word $(call _w2c_count,$(2)),$(_w2c_nums)),, \
      $(error w2c.mk: --num-outputs $(2) for $(1): at most 1000)) \
    $(addprefix $(basename $(1))_,$(addsuffix .c,$(wordlist 1,$(strip $(2)),$(_w2c_nums)) data)), \
    $(1)) \
  $(if $(call _w2c_wasi,$(3)),$(basename $(1))_wasi.c))

w2c_outputs = $(strip $(call w2c_sources,$(1),$(2),$(3)) $(basename $(1)).h \
  $(if $(filter-out 1,$(call _w2c_count,$(2))),$(basename $(1))_internal.h) \
  $(if $(call _w2c_wasi,$(3)),$(basename $(1))_wasi.h))

_w2c_n = $(if $(filter-out 1,$(call _w2c_count,$(1))),--num-outputs $(strip $(1)))

# Several outputs of one command: a grouped rule (&:, GNU make 4.3) or, before
# 4.3 or with W2C_USE_STAMPS=1, a stamp file touched before w2c runs (so the
# outputs are newer than it and an unchanged build does nothing).
ifeq ($(filter grouped-target,$(.FEATURES)),)
W2C_USE_STAMPS ?= 1
endif
W2C_USE_STAMPS ?=

ifeq ($(strip $(W2C_USE_STAMPS)),)
define w2c_module
$(call w2c_outputs,$(2),$(3),$(4)) &: $(1)
	$$(W2C) compile -q $$(W2C_FLAGS) $(call _w2c_n,$(3)) $(4) $(1) -o $(2)
endef
else
define w2c_module
$(basename $(2)).w2c-stamp: $(1)
	@mkdir -p $$(@D) && touch $$@.tmp
	$$(W2C) compile -q $$(W2C_FLAGS) $(call _w2c_n,$(3)) $(4) $(1) -o $(2)
	@mv -f $$@.tmp $$@
$(call w2c_outputs,$(2),$(3),$(4)): $(basename $(2)).w2c-stamp
	@test -f $$@ || { rm -f $$<; $$(MAKE) --no-print-directory $$<; }
endef
endif

# A pattern rule with several targets is made by one run of its recipe (every make).
%.c %.h: %.wasm
	$(W2C) compile -q $(W2C_FLAGS) $< -o $*.c
