/* ja-test-relay.h — a TCP relay on loopback for integration tests: every
 * connection to it is spliced to a target; ja_test_relay_cut() kills the
 * live connections (the sockets, not the server) while the relay keeps
 * accepting new ones. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _JaTestRelay JaTestRelay;

JaTestRelay *ja_test_relay_new (const char *target_host, guint16 target_port);
guint16 ja_test_relay_get_port (JaTestRelay *relay);
/* Close every connection now; returns how many were cut. */
guint ja_test_relay_cut (JaTestRelay *relay);
void ja_test_relay_free (JaTestRelay *relay);

G_END_DECLS
