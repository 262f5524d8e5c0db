# SPDX-License-Identifier: MIT
# tests/cxx - two pipelines that share message types (messages.pipe, a
# message file: a header only) in one program, whose main includes both
# pipelines' headers: built as C, and as C++ (main.cc) with g++ and
# clang++ at -std=c++11 and c++20, linked against the generated C. The
# plain build tries every C++ compiler; a sanitizer build the one that
# matches $(CC), whose sanitizer runtime the C objects need.

CXX_DIR := $(O)/tests/cxx
CXX_NAMES := $(if $(filter plain,$(VARIANT)),g++ clang++,\
	$(if $(filter clang%,$(CCNAME)),clang++,g++))
CXX_STDS := 11 20
CXX_PROGS := $(foreach c,$(CXX_NAMES),$(foreach s,$(CXX_STDS),\
	$(CXX_DIR)/two-$(c)-$(s)))

$(call pipec_generate_header,$(CXX_DIR)/messages,tests/cxx/messages.pipe)
$(call pipec_generate,$(CXX_DIR)/first,tests/cxx/first.pipe)
$(call pipec_generate,$(CXX_DIR)/second,tests/cxx/second.pipe)

CXX_C_OBJS := $(CXX_DIR)/first.o $(CXX_DIR)/second.o $(CXX_DIR)/hooks.o
$(CXX_DIR)/hooks.o $(CXX_DIR)/main.o: $(CXX_DIR)/messages.h
$(CXX_DIR)/main.o: $(CXX_DIR)/first.h $(CXX_DIR)/second.h
$(CXX_DIR)/first.o $(CXX_DIR)/second.o: $(CXX_DIR)/messages.h
$(CXX_C_OBJS) $(CXX_DIR)/main.o: private ALL_CFLAGS += -I$(CXX_DIR) -Iruntime

$(CXX_DIR)/two-c: $(CXX_DIR)/main.o $(CXX_C_OBJS) $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# two-COMPILER-STD: main.cc as C++ of that standard.
define CXX_PROGRAM
$(CXX_DIR)/two-$(1)-$(2): tests/cxx/main.cc tests/cxx/main.c \
		$(CXX_DIR)/first.h $(CXX_DIR)/second.h $(CXX_DIR)/messages.h \
		$(CXX_C_OBJS) $(RUNTIME_LIB)
	$$(QUIET_LD)$(1) -std=c++$(2) $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(WARN)) \
		$(VFLAGS) -I$(CXX_DIR) -Iruntime -o $$@ tests/cxx/main.cc \
		$(CXX_C_OBJS) $(RUNTIME_LIB) $(LDLIBS)
endef
$(foreach c,$(CXX_NAMES),$(foreach s,$(CXX_STDS),\
	$(eval $(call CXX_PROGRAM,$(c),$(s)))))

.PHONY: test-cxx
TESTS += test-cxx
test-cxx: $(CXX_DIR)/two-c $(CXX_PROGS)
	$(Q)tests/cxx/test.sh tests/cxx/expected.txt $^
