#!/bin/sh
# zkServer.sh of chaos-local/zookeeper: the one form the official image's
# command uses, `zkServer.sh start-foreground`, running Debian's ZooKeeper
# 3.8 on its JRE. The jar's manifest names its other jars; slf4j-simple
# logs to stderr, so the container log has it. The heap is capped
# (JVMFLAGS overrides it): several servers share the test machine.
set -e
case "$1" in
start-foreground) ;;
*)
	echo "zkServer.sh: only start-foreground is supported in this image" >&2
	exit 2
	;;
esac
exec java ${JVMFLAGS:--Xms64m -Xmx256m} \
	-Dzookeeper.log.dir="${ZOO_LOG_DIR:-/logs}" \
	-cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
	org.apache.zookeeper.server.quorum.QuorumPeerMain "${ZOO_CONF_DIR:-/conf}/zoo.cfg"
