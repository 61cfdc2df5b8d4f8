/* incident listen: the options both programs parse (cmd_listen.c). */
#ifndef INC_LISTEN_H
#define INC_LISTEN_H

#include "cmd.h"

#define LISTEN_SUMMARY "Receive alerts over HTTP (Alertmanager, PagerDuty)."
#define LISTEN_ADDRESS "127.0.0.1:9095"

struct listen_args {
	const char *address;    /* host:port, [v6]:port or :port */
	const char *token_file; /* NULL: no token, loopback only */
};

extern const struct opt listen_options[];
extern const struct listen_args listen_defaults;

#endif
