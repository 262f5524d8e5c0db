# runtime/runtime.mk - the runtime library, $(O)/libpipec.a.

RUNTIME_SRC := $(wildcard runtime/*.c)
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(O)/%.o)
RUNTIME_LIB := $(O)/libpipec.a

ALL += $(RUNTIME_LIB)

$(RUNTIME_LIB): $(RUNTIME_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
