# tests/model/model.mk - the Promela models of the channel protocol and of
# a coroutine's park and wake (channel.pml, park.pml, docs/reliability.md),
# verified with spin:
#
#   make test-model   every configuration of run.sh: spin -a, pan compiled
#                     with $(CC), pan run; fails on any error pan reports
#                     where none may be, or on none where the model has a
#                     bug put in (so that it cannot pass vacuously)
#
# The model checks the protocol, not a build: one variant runs it.

ifeq ($(VARIANT),plain)
TESTS += test-model
endif
.PHONY: test-model

test-model:
	$(Q)tests/model/run.sh $(O)/tests/model $(CC)
