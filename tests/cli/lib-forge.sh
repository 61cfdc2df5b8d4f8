# Forged events for tests: sourced by a test script after test-lib.sh.
#
#   forge_event GITDIR [BRANCH] <spec.json
#
# writes the event the spec describes (see tests/forge-event.c: any
# members, any values, a valid id computed the way a replica computes it)
# as one more commit on BRANCH (default incidents) of the repository
# GITDIR, with the git CLI, and prints the file's path in the tree.
# Example: an out-of-range Lamport clock on a bare remote:
#
#   echo '{"incident": "'$id'", "lamport": 1152921504606846976,
#          "payload": {"text": "x"}}' | forge_event remote.git

FORGE_EVENT=${FORGE_EVENT:-$BUILD_ROOT/tests/forge-event}

forge_event() {
	fe_git=$1 fe_branch=${2:-incidents}
	rm -rf forge.tmp forge.idx && mkdir forge.tmp &&
	fe_path=$("$FORGE_EVENT" forge.tmp) &&
	fe_blob=$(git --git-dir="$fe_git" hash-object -w "forge.tmp/$fe_path") &&
	if fe_parent=$(git --git-dir="$fe_git" rev-parse -q --verify "refs/heads/$fe_branch")
	then
		GIT_INDEX_FILE=$PWD/forge.idx git --git-dir="$fe_git" read-tree "$fe_parent"
		fe_p="-p $fe_parent"
	else
		fe_p=
	fi &&
	GIT_INDEX_FILE=$PWD/forge.idx git --git-dir="$fe_git" update-index --add \
		--cacheinfo "100644,$fe_blob,$fe_path" &&
	fe_tree=$(GIT_INDEX_FILE=$PWD/forge.idx git --git-dir="$fe_git" write-tree) &&
	fe_commit=$(echo "forged event" | GIT_AUTHOR_NAME=forger \
		GIT_AUTHOR_EMAIL=forger@example.com GIT_COMMITTER_NAME=forger \
		GIT_COMMITTER_EMAIL=forger@example.com \
		git --git-dir="$fe_git" commit-tree "$fe_tree" $fe_p) &&
	git --git-dir="$fe_git" update-ref "refs/heads/$fe_branch" "$fe_commit" &&
	rm -rf forge.tmp forge.idx &&
	echo "$fe_path"
}
