#!/bin/sh
# tests/valgrind-wrap.sh ARGS...: sendfix ($SENDFIX_REAL) under valgrind memcheck, for the
# integration tests' valgrind pass ("make check-valgrind", which points $SENDFIX here).
# It is a file, not a shell function, because the tests start sendfix through
# "ip netns exec". exec keeps the pid, so a test's kill reaches valgrind, which passes the
# signal on. Any memcheck error or definitely lost block makes the exit status 99 and
# leaves a non-empty $VALGRIND_LOGDIR/vg.PID.log, which check-valgrind looks for; the
# arguments go beside it in vg.PID.cmd (never a password: none is ever on the command line).
: "${SENDFIX_REAL:?SENDFIX_REAL must name the sendfix binary}"
: "${VALGRIND_LOGDIR:?VALGRIND_LOGDIR must name the directory for valgrind logs}"
echo "$SENDFIX_REAL $*" >"$VALGRIND_LOGDIR/vg.$$.cmd"
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite --track-fds=no -q \
    --log-file="$VALGRIND_LOGDIR/vg.%p.log" "$SENDFIX_REAL" "$@"
