/* ja-test-resolver.h — a GResolver whose SRV answers the test sets, so the
 * XEP-0368 / RFC 6120 §3.2 connection order can be tested against a real
 * server on loopback without DNS. Names are not resolved: give SRV targets
 * as IP literals. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define JA_TYPE_TEST_RESOLVER (ja_test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (JaTestResolver, ja_test_resolver, JA, TEST_RESOLVER,
    GResolver)

JaTestResolver *ja_test_resolver_new (void);
/* Adds an answer for _service._tcp.domain. */
void ja_test_resolver_add_srv (JaTestResolver *self, const char *service,
    const char *domain, const char *target, guint16 port);
/* How many SRV queries were asked, in order ("xmpps-client,xmpp-client"). */
const char *ja_test_resolver_get_queries (JaTestResolver *self);

G_END_DECLS
