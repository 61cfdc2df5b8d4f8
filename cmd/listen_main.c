/*
 * incident-listen: the helper that alone links libmicrohttpd (and the
 * gnutls under it), run by "incident listen" (cmd_listen.c). An HTTP
 * receiver for what monitoring sends:
 *
 *   POST /alertmanager          Alertmanager's webhook (version 4)
 *   POST /v2/enqueue            PagerDuty Events API v2
 *   POST /v2/change/enqueue     PagerDuty change events
 *   GET  /health
 *
 * Each POST is one inc_ingest() (the code of incident ingest), answered
 * with PagerDuty's status codes and bodies once the payload is
 * committed. The requests share one store handle under a mutex: every
 * POST writes, and SQLite lets one writer in at a time anyway, so
 * handles of their own would only turn the wait for our own mutex into
 * SQLite's busy-retry sleeps between our own threads. The mutex is
 * taken with the store's busy timeout; a store still held by another
 * process after it is a 503 with Retry-After.
 *
 * After commits, the audit mirror (incident-git mirror) and the hook
 * deliveries run from one worker thread on a handle of its own, so a
 * slow hook never holds a request: each commit only marks the queue
 * due, and one pass serves every commit made before it started.
 *
 * SIGTERM, SIGINT or SIGHUP: stop accepting, let the requests in flight finish
 * (a request's deadline bounds them), run the queue once more, exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <netinet/in.h>

#include "listen.h"

/* An idle or slow connection is closed after this many seconds
 * ($INCIDENT_LISTEN_TIMEOUT shortens it, for tests); a request gets
 * twice that, from the end of the one before it on its connection, to
 * send its headers and body whole, however it trickles them. */
#define LISTEN_TIMEOUT_S 30
/* Connections at once, beyond which new ones are refused; threads. */
#define LISTEN_CONNECTIONS 512
#define LISTEN_THREADS 4
/* How much of a chunked body too big is read (and dropped) for a 413. */
#define DROP_MAX ((size_t)256 * 1024 * 1024)
/* The longest a token may be, in bytes. */
#define TOKEN_MAX 4096

enum route {
	ROUTE_NONE = 0,
	ROUTE_HEALTH,
	ROUTE_ALERTMANAGER,
	ROUTE_PAGERDUTY,
	ROUTE_CHANGE,
};

static const struct {
	const char *path;
	const char *method;
	enum route route;
	enum inc_ingest_format format;
} routes[] = {
        {"/health", "GET", ROUTE_HEALTH, INC_INGEST_AUTO},
        {"/alertmanager", "POST", ROUTE_ALERTMANAGER, INC_INGEST_ALERTMANAGER},
        {"/v2/enqueue", "POST", ROUTE_PAGERDUTY, INC_INGEST_PAGERDUTY},
        {"/v2/change/enqueue", "POST", ROUTE_CHANGE,
         INC_INGEST_PAGERDUTY_CHANGE},
};

/* A connection, for the sweep of requests past their deadline. */
struct conn {
	struct conn *prev, *next;
	MHD_socket fd;
	struct timespec since; /* its start, or the end of its last request */
	bool busy;             /* a request in whole: its time is the store's */
	bool cut;              /* shut down by the sweep */
};

struct server {
	struct inc_ctx *ctx; /* its store: the requests', under store_lock */
	pthread_mutex_t store_lock;
	int busy_ms;
	const char *actor; /* --actor, INCIDENT_ACTOR; NULL: the source */
	int64_t now;       /* INCIDENT_NOW; 0: the clock */
	bool token;
	uint8_t token_hash[SHA256_DIGEST_SIZE];
	char db_path[PATH_MAX + 16]; /* the store's database, and its file */
	dev_t db_dev;
	ino_t db_ino;

	pthread_mutex_t lock; /* what follows */
	pthread_cond_t cond;
	unsigned inflight; /* requests begun and not completed */
	bool due;          /* commits the queue has not served */
	bool stopping;
	pthread_t worker;
	inc_store *worker_store;

	pthread_mutex_t conns_lock; /* the connections, for the sweep */
	struct conn *conns;
	long deadline_ms;
};

struct request {
	struct timespec start;
	size_t index; /* in routes[] */
	bool authorized;
	bool answered;
	bool too_big;   /* the body is being dropped */
	size_t dropped; /* bytes of it */
	char *body;
	size_t len, cap;
};

static int sigpipe[2] = {-1, -1};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr, written at once (threads share it). */
static void
say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

/* What a client sent, fit for a log line: inc_text_sanitize()'s (the one
 * sanitiser), on one line, cut to len at a character's boundary. */
static char *
safe(char *out, size_t len, const char *text)
{
	char *clean = inc_text_sanitize(text != NULL ? text : "", false);
	size_t n;

	if (clean == NULL) {
		snprintf(out, len, "?");
		return out;
	}
	n = strlen(clean);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, clean, n);
	out[n] = '\0';
	inc_str_free(clean);
	return out;
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L +
	       (now.tv_nsec - start->tv_nsec) / 1000000L;
}

static const char *
client(char *out, size_t len, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	snprintf(out, len, "-");
	if (info == NULL || info->client_addr == NULL)
		return out;
	if (getnameinfo(info->client_addr,
	                info->client_addr->sa_family == AF_INET6
	                        ? sizeof(struct sockaddr_in6)
	                        : sizeof(struct sockaddr_in),
	                host, sizeof(host), port, sizeof(port),
	                NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(out, len,
		         info->client_addr->sa_family == AF_INET6 ? "[%s]:%s"
		                                                  : "%s:%s",
		         host, port);
	return out;
}

/*
 * Answers r with status and the JSON document doc (taken), logging the
 * request with did, what it did. Retry-After on a 503, Allow on a 405.
 */
static enum MHD_Result
answer(struct MHD_Connection *c, struct request *r, const char *method,
       const char *url, unsigned status, cJSON *doc, const char *did)
{
	char *text = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
	struct MHD_Response *resp;
	char who[NI_MAXHOST + NI_MAXSERV + 4], m[64], path[256], what[512];
	enum MHD_Result ret;

	cJSON_Delete(doc);
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text,
	                                       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "application/json");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"incident\"");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED &&
	    r->index < ARRAY_SIZE(routes))
		MHD_add_response_header(
		        resp, MHD_HTTP_HEADER_ALLOW,
		        strcmp(routes[r->index].method, "GET") == 0
		                ? "GET, HEAD"
		                : routes[r->index].method);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	r->answered = true;
	say("incident: listen: %s %s %s %u %s (%ld ms)",
	    client(who, sizeof(who), c), safe(m, sizeof(m), method),
	    safe(path, sizeof(path), url), status,
	    safe(what, sizeof(what), did), elapsed_ms(&r->start));
	return ret;
}

/* {"status", "message", "errors": [why]?}: PagerDuty's error bodies. */
static cJSON *
error_doc(const char *status, const char *message, const char *why)
{
	cJSON *doc = cJSON_CreateObject(), *errors;

	if (doc == NULL ||
	    cJSON_AddStringToObject(doc, "status", status) == NULL ||
	    cJSON_AddStringToObject(doc, "message", message) == NULL ||
	    (errors = cJSON_AddArrayToObject(doc, "errors")) == NULL ||
	    (why != NULL &&
	     !cJSON_AddItemToArray(errors, cJSON_CreateString(why)))) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

static enum MHD_Result
answer_error(struct MHD_Connection *c, struct request *r, const char *method,
             const char *url, unsigned status, const char *message,
             const char *why)
{
	const char *kind = status == MHD_HTTP_UNAUTHORIZED ? "unauthorized"
	                   : status == MHD_HTTP_SERVICE_UNAVAILABLE ? "busy"
	                   : status >= 500                          ? "error"
	                   : status == MHD_HTTP_NOT_FOUND ? "not found"
	                   : status == MHD_HTTP_METHOD_NOT_ALLOWED
	                           ? "method not allowed"
	                           : "invalid event";

	return answer(c, r, method, url, status, error_doc(kind, message, why),
	              why != NULL ? why : message);
}

static enum MHD_Result
answer_too_big(struct MHD_Connection *c, struct request *r, const char *method,
               const char *url)
{
	char why[64];

	snprintf(why, sizeof(why), "the body is larger than %d bytes",
	         INC_INGEST_MAX);
	return answer_error(c, r, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
	                    "Request too large", why);
}

/* ---- the token ---- */

static void
token_digest(uint8_t out[SHA256_DIGEST_SIZE], const char *text, size_t len)
{
	struct sha256_ctx h;

	sha256_init(&h);
	sha256_update(&h, len, (const uint8_t *)text);
	sha256_digest(&h, SHA256_DIGEST_SIZE, out);
}

/* Whether text is the token: digests compared in constant time, so
 * neither the token's bytes nor its length leak through timing. */
static bool
token_ok(const struct server *s, const char *text, size_t len)
{
	uint8_t d[SHA256_DIGEST_SIZE];

	token_digest(d, text, len);
	return memeql_sec(d, s->token_hash, sizeof(d)) != 0;
}

/*
 * Reads the token: a regular file of ours (or root's) that no one else
 * may read, as ssh insists for a private key; its one line, trailing
 * white space dropped. An exit status.
 */
static int
read_token(struct server *s, const char *path)
{
	char buf[TOKEN_MAX + 2];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	/* O_NONBLOCK: a FIFO would hold the open until a writer came */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		say("incident: %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say("incident: %s: not a regular file", path);
		close(fd);
		return EXIT_FAIL;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		say("incident: %s: the token file must be yours (it is uid "
		    "%u's; chown it)",
		    path, (unsigned)st.st_uid);
		close(fd);
		return EXIT_FAIL;
	}
	if ((st.st_mode & 077) != 0) {
		say("incident: %s: the token file must be yours and private "
		    "(mode %04o; chmod 600 it)",
		    path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return EXIT_FAIL;
	}
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say("incident: %s: %s", path, strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > TOKEN_MAX) {
		say("incident: %s: the token is longer than %d bytes", path,
		    TOKEN_MAX);
		return EXIT_FAIL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	                   buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	if (len == 0 || memchr(buf, '\n', len) != NULL) {
		say("incident: %s: %s", path,
		    len == 0 ? "the token is empty" : "the token is one line");
		return EXIT_FAIL;
	}
	token_digest(s->token_hash, buf, len);
	memset(buf, 0, sizeof(buf));
	s->token = true;
	return EXIT_OK;
}

/* "Authorization: Bearer <token>": NULL when absent (or another scheme);
 * its length in *len. */
static const char *
bearer(size_t *len, struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(
	        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

	size_t n;

	if (v == NULL || strncasecmp(v, "Bearer ", 7) != 0)
		return NULL;
	for (v += 7; *v == ' '; v++)
		;
	/* white space after the value is not part of it (RFC 9110 5.5),
	 * and libmicrohttpd leaves it there; the token has none */
	for (n = strlen(v); n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'); n--)
		;
	*len = n;
	return v;
}

/* PagerDuty's routing_key in the body, when it is the token. */
static bool
routing_key_ok(const struct server *s, const struct request *r)
{
	cJSON *root = cJSON_ParseWithLength(r->body, r->len);
	const cJSON *key =
	        cJSON_GetObjectItemCaseSensitive(root, "routing_key");
	bool ok = cJSON_IsString(key) &&
	          token_ok(s, key->valuestring, strlen(key->valuestring));

	cJSON_Delete(root);
	return ok;
}

/* ---- the queue: mirror and hooks, one worker ---- */

static void
queue_due(struct server *s)
{
	pthread_mutex_lock(&s->lock);
	s->due = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void
hook_report(void *arg, const inc_hook_attempt *a)
{
	char hook[128], id[128], why[512];

	(void)arg;
	if (a->ok)
		say("incident: listen: hook %s for %s: delivered",
		    safe(hook, sizeof(hook), a->hook),
		    safe(id, sizeof(id), a->incident));
	else
		say("incident: warning: hook %s failed for %s: %s (attempt %d "
		    "of %d)",
		    safe(hook, sizeof(hook), a->hook),
		    safe(id, sizeof(id), a->incident),
		    safe(why, sizeof(why), a->error), a->attempt, a->retries);
}

/*
 * One pass, as incident runs them after a write (main.c): the mirror,
 * then the hook deliveries due, then the mirror again for what the
 * hooks wrote. Hooks run here whatever hooks.background says: this
 * thread is the background already. False when deliveries are left
 * (last: said, for the pass at the end).
 */
static bool
queue_run(struct server *s, bool last)
{
	struct inc_ctx w = *s->ctx;
	inc_hooks_result res = {0};
	inc_hooks_opts o = {0};
	inc_error err;
	bool due = false;

	w.store = s->worker_store;
	helper_mirror(&w);
	o.now = s->now != 0 ? s->now : inc_time_now();
	o.report = hook_report;
	o.max = 100;
	/* none begun once hooks.timeout has passed: a hook that hangs
	 * until its timeout holds a SIGTERM for one pass of them, not for
	 * a hundred */
	o.timed = true;
	if (inc_hooks_due(&due, w.store, o.now, &err) < 0) {
		say("incident: warning: hooks not run: %s", err.message);
		return true;
	}
	if (!due)
		return true;
	if (inc_hooks_run(&res, w.store, &o, &err) < 0) {
		say("incident: warning: hooks not run: %s", err.message);
		return true;
	}
	if (res.events > 0)
		helper_mirror(&w);
	if (last && res.left > 0)
		say("incident: listen: %zu hook deliveries left queued (the "
		    "next write, or incident hooks retry, delivers them)",
		    res.left);
	return res.left == 0;
}

static void *
worker(void *arg)
{
	struct server *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->due && !s->stopping)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->stopping)
			break;
		s->due = false;
		pthread_mutex_unlock(&s->lock);
		if (!queue_run(s, false))
			queue_due(s);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	/* once more, for the requests drained after the signal */
	queue_run(s, true);
	return NULL;
}

/* ---- the deadline of a request ---- */

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	struct conn *cn = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		        c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (info == NULL || (cn = calloc(1, sizeof(*cn))) == NULL)
			return;
		cn->fd = info->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &cn->since);
		pthread_mutex_lock(&s->conns_lock);
		cn->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = cn;
		s->conns = cn;
		pthread_mutex_unlock(&s->conns_lock);
		*socket_context = cn;
		return;
	}
	/* closed: before libmicrohttpd closes its socket, so the sweep,
	 * under the same lock, never shuts down a number reused */
	if (cn == NULL)
		return;
	pthread_mutex_lock(&s->conns_lock);
	if (cn->prev != NULL)
		cn->prev->next = cn->next;
	else
		s->conns = cn->next;
	if (cn->next != NULL)
		cn->next->prev = cn->prev;
	pthread_mutex_unlock(&s->conns_lock);
	free(cn);
	*socket_context = NULL;
}

/* Marks c's request in whole (busy), or done (its successor's clock
 * starts). Whether the sweep cut it. */
static bool
conn_mark(struct server *s, struct MHD_Connection *c, bool busy)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *cn = info != NULL ? info->socket_context : NULL;
	bool cut;

	if (cn == NULL)
		return false;
	pthread_mutex_lock(&s->conns_lock);
	cn->busy = busy;
	if (!busy)
		clock_gettime(CLOCK_MONOTONIC, &cn->since);
	cut = cn->cut;
	pthread_mutex_unlock(&s->conns_lock);
	return cut;
}

/*
 * Shuts down the connections whose request is past its deadline:
 * libmicrohttpd's timeout is of idleness only, so headers or a body
 * trickled a byte at a time held a connection (of 512), and a drain,
 * for ever.
 */
static void
sweep(struct server *s)
{
	struct conn *cn;

	pthread_mutex_lock(&s->conns_lock);
	for (cn = s->conns; cn != NULL; cn = cn->next)
		if (!cn->busy && !cn->cut &&
		    elapsed_ms(&cn->since) > s->deadline_ms) {
			(void)shutdown(cn->fd, SHUT_RDWR);
			cn->cut = true;
		}
	pthread_mutex_unlock(&s->conns_lock);
}

/* ---- requests ---- */

/* The 202: {"status":"success","message":"Event processed","dedup_key"?,
 * "results"?} and what it did, for the log. */
static cJSON *
success_doc(char *did, size_t len, const inc_ingest_result *res,
            const char *out)
{
	cJSON *doc = cJSON_CreateObject(), *ingest = cJSON_Parse(out);
	const cJSON *results =
	        cJSON_GetObjectItemCaseSensitive(ingest, "results");
	const cJSON *it;
	char last[128] = "";
	size_t n = 0, run = 0;

	/* "opened 7fk2q", "attached 7fk2q x3, resolved 7fk2q": one item
	 * for each run of the same action on the same incident */
	snprintf(did, len, "nothing");
	cJSON_ArrayForEach (it, results) {
		char item[128];
		const char *action = cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(it, "action"));
		const char *id = cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(it, "short_id"));
		snprintf(item, sizeof(item), "%s%s%s",
		         action != NULL ? action : "?", id != NULL ? " " : "",
		         id != NULL ? id : "");
		if (run > 0 && strcmp(item, last) == 0) {
			run++;
			continue;
		}
		if (run > 1 && n < len)
			n += (size_t)snprintf(did + n, len - n, " x%zu", run);
		if (n < len)
			n += (size_t)snprintf(did + n, len - n, "%s%s",
			                      run > 0 ? ", " : "", item);
		snprintf(last, sizeof(last), "%s", item);
		run = 1;
	}
	if (run > 1 && n < len)
		snprintf(did + n, len - n, " x%zu", run);
	if (doc == NULL ||
	    cJSON_AddStringToObject(doc, "status", "success") == NULL ||
	    cJSON_AddStringToObject(doc, "message", "Event processed") ==
	            NULL ||
	    (res->dedup_key[0] != '\0' &&
	     cJSON_AddStringToObject(doc, "dedup_key", res->dedup_key) ==
	             NULL)) {
		cJSON_Delete(doc);
		cJSON_Delete(ingest);
		return NULL;
	}
	if (results != NULL)
		cJSON_AddItemToObject(doc, "results",
		                      cJSON_DetachItemFromObjectCaseSensitive(
		                              ingest, "results"));
	cJSON_Delete(ingest);
	return doc;
}

/*
 * Whether the store's database is still the file opened at the start:
 * a store removed (or moved away) under a running listen would take
 * every later POST into a deleted file, each answered 202 and lost.
 */
static bool
store_there(const struct server *s)
{
	struct stat st;

	return stat(s->db_path, &st) == 0 && st.st_dev == s->db_dev &&
	       st.st_ino == s->db_ino;
}

/* Takes the store for a request, waiting as long as SQLite would. */
static bool
store_take(struct server *s)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s->busy_ms / 1000;
	until.tv_nsec += (long)(s->busy_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return pthread_mutex_timedlock(&s->store_lock, &until) == 0;
}

static enum MHD_Result
ingest(struct server *s, struct MHD_Connection *c, struct request *r,
       const char *method, const char *url)
{
	inc_ingest_opts o = {0};
	inc_ingest_result res;
	char *out = NULL, did[512];
	inc_error err;
	int ret;

	if (s->token && !r->authorized &&
	    !(routes[r->index].route != ROUTE_ALERTMANAGER &&
	      routing_key_ok(s, r)))
		return answer_error(
		        c, r, method, url, MHD_HTTP_UNAUTHORIZED,
		        "Unauthorized",
		        "a token is required (Authorization: Bearer, "
		        "or the routing_key)");
	if (!store_take(s))
		return answer_error(c, r, method, url,
		                    MHD_HTTP_SERVICE_UNAVAILABLE, "Store busy",
		                    "the store is busy; try again");
	if (!store_there(s)) {
		pthread_mutex_unlock(&s->store_lock);
		snprintf(did, sizeof(did),
		         "the store %s was removed or replaced while listen "
		         "ran; restart listen",
		         s->ctx->dir);
		return answer_error(c, r, method, url,
		                    MHD_HTTP_INTERNAL_SERVER_ERROR,
		                    "Event not processed", did);
	}
	o.format = routes[r->index].format;
	o.now = s->now;
	o.actor = s->actor;
	ret = inc_ingest(&out, &res, s->ctx->store,
	                 r->body != NULL ? r->body : "", r->len, &o, &err);
	pthread_mutex_unlock(&s->store_lock);
	if (ret == INC_EINVALID)
		return answer_error(c, r, method, url, MHD_HTTP_BAD_REQUEST,
		                    "Event object is invalid", err.message);
	if (ret == INC_EBUSY)
		return answer_error(c, r, method, url,
		                    MHD_HTTP_SERVICE_UNAVAILABLE, "Store busy",
		                    err.message);
	if (ret < 0)
		return answer_error(c, r, method, url,
		                    MHD_HTTP_INTERNAL_SERVER_ERROR,
		                    "Event not processed", err.message);
	if (res.written > 0)
		queue_due(s);
	ret = answer(c, r, method, url, MHD_HTTP_ACCEPTED,
	             success_doc(did, sizeof(did), &res, out), did);
	inc_str_free(out);
	return ret;
}

/* The first call for a request: its headers are in, not its body. */
static enum MHD_Result
begin(struct server *s, struct MHD_Connection *c, struct request *r,
      const char *method, const char *url)
{
	const char *token, *length;
	size_t i, token_len;

	for (i = 0; i < ARRAY_SIZE(routes); i++)
		if (strcmp(url, routes[i].path) == 0)
			break;
	r->index = i;
	if (i == ARRAY_SIZE(routes))
		return answer_error(c, r, method, url, MHD_HTTP_NOT_FOUND,
		                    "Not found",
		                    "no such path (POST /alertmanager, "
		                    "/v2/enqueue, /v2/change/enqueue; GET "
		                    "/health)");
	/* HEAD is GET without the body (RFC 9110 9.3.2), which
	 * libmicrohttpd drops: health checkers send it */
	if (strcmp(method, routes[i].method) != 0 &&
	    !(strcmp(method, "HEAD") == 0 &&
	      strcmp(routes[i].method, "GET") == 0))
		return answer_error(c, r, method, url,
		                    MHD_HTTP_METHOD_NOT_ALLOWED,
		                    "Method not allowed", NULL);
	if (s->token && (token = bearer(&token_len, c)) != NULL) {
		if (!token_ok(s, token, token_len))
			return answer_error(c, r, method, url,
			                    MHD_HTTP_UNAUTHORIZED,
			                    "Unauthorized", "wrong token");
		r->authorized = true;
	}
	/* only PagerDuty's paths may carry it in the body instead */
	if (s->token && !r->authorized &&
	    (routes[i].route == ROUTE_HEALTH ||
	     routes[i].route == ROUTE_ALERTMANAGER))
		return answer_error(c, r, method, url, MHD_HTTP_UNAUTHORIZED,
		                    "Unauthorized",
		                    "a token is required (Authorization: "
		                    "Bearer)");
	if (routes[i].route == ROUTE_HEALTH) {
		cJSON *doc = cJSON_CreateObject();
		if (doc != NULL)
			cJSON_AddStringToObject(doc, "status", "ok");
		return answer(c, r, method, url, MHD_HTTP_OK, doc, "ok");
	}
	length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length != NULL && strtoull(length, NULL, 10) > INC_INGEST_MAX)
		return answer_too_big(c, r, method, url);
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *data,
           size_t *size, void **con_cls)
{
	struct server *s = cls;
	struct request *r = *con_cls;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->start);
		*con_cls = r;
		pthread_mutex_lock(&s->lock);
		s->inflight++;
		pthread_mutex_unlock(&s->lock);
		return begin(s, c, r, method, url);
	}
	if (r->answered) {
		*size = 0; /* the rest of a refused body, unread */
		return MHD_YES;
	}
	if (*size > 0) {
		/*
		 * libmicrohttpd takes no answer while a body comes in: a
		 * body without a Content-Length (chunked) that grows too big
		 * is dropped and the rest read without being kept, up to a
		 * bound past which the connection is closed; the 413 follows
		 * its end.
		 */
		if (r->too_big || *size > INC_INGEST_MAX - r->len) {
			free(r->body);
			r->body = NULL;
			r->len = r->cap = 0;
			r->too_big = true;
			r->dropped += *size;
			*size = 0;
			return r->dropped > DROP_MAX ? MHD_NO : MHD_YES;
		}
		if (r->len + *size > r->cap) {
			size_t cap = r->cap > 0 ? r->cap : 16384;
			char *p;
			while (cap < r->len + *size)
				cap *= 2;
			if ((p = realloc(r->body, cap)) == NULL)
				return MHD_NO;
			r->body = p;
			r->cap = cap;
		}
		memcpy(r->body + r->len, data, *size);
		r->len += *size;
		*size = 0;
		return MHD_YES;
	}
	conn_mark(s, c, true);
	if (r->too_big)
		return answer_too_big(c, r, method, url);
	return ingest(s, c, r, method, url);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode why)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	char who[NI_MAXHOST + NI_MAXSERV + 4];

	if (r == NULL)
		return;
	if (!r->answered)
		say("incident: listen: %s request not answered: %s (%ld ms)",
		    client(who, sizeof(who), c),
		    conn_mark(s, c, false) ? "past its deadline"
		    : why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED
		            ? "timed out"
		    : why == MHD_REQUEST_TERMINATED_CLIENT_ABORT
		            ? "the client went away"
		            : "closed",
		    elapsed_ms(&r->start));
	else
		conn_mark(s, c, false);
	free(r->body);
	free(r);
	*con_cls = NULL;
	pthread_mutex_lock(&s->lock);
	s->inflight--;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void
on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	say("incident: listen: %s", msg);
}

/* ---- the address ---- */

static bool
loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
		                      ->sin_addr.s_addr) >>
		        24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		        &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* host:port, [v6]:port or :port (every address) into *out (freeaddrinfo). */
static int
parse_address(struct addrinfo **out, const char *text)
{
	struct addrinfo hints = {0};
	char host[256];
	const char *colon = strrchr(text, ':'), *h = text;
	size_t hlen;
	int rc;

	if (colon == NULL || colon[1] == '\0') {
		say("incident: --address: '%s' is not host:port (like %s)",
		    text, LISTEN_ADDRESS);
		return EXIT_USAGE;
	}
	/* getaddrinfo takes 99999 and listens on 34463 (99999 - 65536) */
	if (strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atol(colon + 1) > 65535) {
		say("incident: --address: '%s': the port is not a number "
		    "from 0 to 65535",
		    text);
		return EXIT_USAGE;
	}
	hlen = (size_t)(colon - text);
	if (hlen >= 2 && text[0] == '[' && text[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host)) {
		say("incident: --address: the host is too long");
		return EXIT_USAGE;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(hlen > 0 ? host : NULL, colon + 1, &hints,
	                      out))) {
		say("incident: --address: %s: %s", text, gai_strerror(rc));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ---- the program ---- */

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;

	(void)!write(sigpipe[1], &c, 1);
}

static int
serve(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct listen_args *a = ctx->opts;
	struct server s = {0};
	struct addrinfo *ai = NULL;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	struct sigaction sa = {0};
	char host[NI_MAXHOST];
	const char *env;
	unsigned char sig = 0;
	unsigned flags, timeout;
	int status;

	(void)argc;
	(void)argv;
	s.ctx = ctx;
	s.actor = ctx->actor;
	s.now = ctx->now;
	env = getenv("INCIDENT_BUSY_TIMEOUT");
	s.busy_ms = env != NULL && atoi(env) > 0 ? atoi(env) : 30000;
	env = getenv("INCIDENT_LISTEN_TIMEOUT");
	timeout = env != NULL && atoi(env) > 0 && atoi(env) < LISTEN_TIMEOUT_S
	                  ? (unsigned)atoi(env)
	                  : LISTEN_TIMEOUT_S;
	if (a->token_file != NULL && (status = read_token(&s, a->token_file)))
		return status;
	if ((status = parse_address(&ai, a->address)) != EXIT_OK)
		return status;
	if (!s.token && !loopback(ai->ai_addr)) {
		say("incident: --address %s is not a loopback address: "
		    "give --token-file to listen beyond this machine",
		    a->address);
		freeaddrinfo(ai);
		return EXIT_USAGE;
	}
	if (inc_store_open(&s.worker_store, ctx->dir, INC_OPEN_READWRITE,
	                   NULL) < 0) {
		say("incident: %s: cannot open the store", ctx->dir);
		freeaddrinfo(ai);
		return EXIT_FAIL;
	}
	inc_store_set_actor(s.worker_store, inc_store_actor(ctx->store));
	{
		struct stat st;
		int n = snprintf(s.db_path, sizeof(s.db_path), "%s/incident.db",
		                 ctx->dir);
		if (n < 0 || (size_t)n >= sizeof(s.db_path) ||
		    stat(s.db_path, &st) < 0) {
			say("incident: %s: cannot open the store", ctx->dir);
			inc_store_close(s.worker_store);
			freeaddrinfo(ai);
			return EXIT_FAIL;
		}
		s.db_dev = st.st_dev;
		s.db_ino = st.st_ino;
	}
	pthread_mutex_init(&s.store_lock, NULL);
	pthread_mutex_init(&s.conns_lock, NULL);
	s.deadline_ms = 2L * timeout * 1000L;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	if (pipe(sigpipe) < 0 || fcntl(sigpipe[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(sigpipe[1], F_SETFD, FD_CLOEXEC) < 0) {
		say("incident: cannot listen: %s", strerror(errno));
		status = EXIT_FAIL;
		goto done;
	}
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* the terminal closed, or a "reload": drained as SIGTERM is, not
	 * the default death with the requests in flight unanswered */
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	        (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	d = MHD_start_daemon(
	        flags, 0, NULL, NULL, on_request, &s,
	        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, &s,
	        MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
	        (unsigned)LISTEN_THREADS, MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned)LISTEN_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
	        timeout, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	        (unsigned)LISTEN_CONNECTIONS, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, &s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
	        &s, MHD_OPTION_END);
	if (d == NULL) {
		say("incident: cannot listen on %s: %s", a->address,
		    errno != 0 ? strerror(errno)
		               : "the HTTP server did not start");
		status = EXIT_FAIL;
		goto done;
	}
	if (pthread_create(&s.worker, NULL, worker, &s) != 0) {
		say("incident: cannot start the worker thread");
		MHD_stop_daemon(d);
		status = EXIT_FAIL;
		goto done;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL,
	                0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "?");
	say(ai->ai_family == AF_INET6 ? "incident: listening on http://[%s]:%u "
	                                "(store %s)"
	                              : "incident: listening on http://%s:%u "
	                                "(store %s)",
	    host, info != NULL ? (unsigned)info->port : 0, ctx->dir);
	/* the signal, and twice a second the sweep of requests past their
	 * deadline */
	for (;;) {
		struct pollfd p = {.fd = sigpipe[0], .events = POLLIN};
		if (poll(&p, 1, 500) > 0 && read(sigpipe[0], &sig, 1) == 1)
			break;
		sweep(&s);
	}
	/* a second signal ends it at once */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	say("incident: listen: signal %d: draining", sig);
	/* no new connections; the requests in flight end */
	{
		MHD_socket fd = MHD_quiesce_daemon(d);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	pthread_mutex_lock(&s.lock);
	while (s.inflight > 0) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 500000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s.cond, &s.lock, &t);
		pthread_mutex_unlock(&s.lock);
		sweep(&s);
		pthread_mutex_lock(&s.lock);
	}
	pthread_mutex_unlock(&s.lock);
	MHD_stop_daemon(d);
	pthread_mutex_lock(&s.lock);
	s.stopping = true;
	pthread_cond_signal(&s.cond);
	pthread_mutex_unlock(&s.lock);
	pthread_join(s.worker, NULL);
	say("incident: listen: stopped");
	status = EXIT_OK;
done:
	inc_store_close(s.worker_store);
	freeaddrinfo(ai);
	return status;
}

static const struct cmd serve_entry = {
        .name = "listen",
        .run = serve,
        .flags = CMD_CREATE,
        .summary = LISTEN_SUMMARY,
        CMD_OPTS(listen_options, listen_defaults),
};

static int
usage(void)
{
	fputs("usage: incident-listen [--dir dir] listen [--address host:port] "
	      "[--token-file file]\n"
	      "(run by incident listen; see incident-listen(1))\n",
	      stderr);
	return EXIT_USAGE;
}

struct globals {
	const char *dir;
	bool help;
};

static const struct globals defaults;

static const struct opt global_opts[] = {
        OPT_STRING("dir", 0, &defaults.dir, "dir", "use the store in dir"),
        OPT_BOOL("help", 'h', &defaults.help, "show this help"),
        OPT_END,
};

static const struct cmd globals = {
        CMD_OPTS(global_opts, defaults),
};

/* INCIDENT_NOW and INCIDENT_ACTOR, as incident reads them (main.c). */
static int
world(struct inc_ctx *ctx)
{
	const char *now = getenv("INCIDENT_NOW");
	const char *actor = getenv("INCIDENT_ACTOR");
	inc_error err;

	if (now != NULL && *now != '\0' &&
	    inc_time_from_rfc3339(&ctx->now, now) < 0) {
		say("incident: INCIDENT_NOW: '%s' is not an RFC 3339 time",
		    now);
		return EXIT_USAGE;
	}
	if (actor != NULL && *actor != '\0') {
		if (inc_actor_check(actor, "INCIDENT_ACTOR", &err) < 0) {
			fail(&err);
			return EXIT_USAGE;
		}
		ctx->actor = actor;
	}
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct globals g = defaults;
	struct inc_ctx ctx = {0};
	int first, status;

	umask(077);
	ctx.cmd = &globals;
	if (opt_parse(&ctx, &globals, &g, argc, argv, true, &first) != 0 ||
	    g.help)
		return usage();
	argc -= first;
	argv += first;
	if (argc == 0 || strcmp(argv[0], "listen") != 0)
		return usage();
	if (ctx_wants_help(argc, argv)) {
		opt_help(&serve_entry, stdout);
		return finish(EXIT_OK);
	}
	ctx_init(&ctx, &serve_entry, g.dir);
	if ((status = world(&ctx)) != EXIT_OK)
		return status;
	status = finish(ctx_run(&ctx, argc, argv));
	ctx_release(&ctx);
	return status;
}
