/* test-xmpp-router.c — routing by (element, payload) and by a child's
 * namespace; element-wide handlers as a fallback; removal. */
#include "signalling/xmpp/xmpp-router.h"

typedef struct {
  guint calls;
  gboolean consume;
} Hit;

static gboolean
hit_cb (const JaXmlNode *stanza, gpointer data)
{
  Hit *h = data;

  h->calls++;
  return h->consume;
}

static JaXmlNode *
stanza (const char *element, const char *child, const char *ns)
{
  JaXmlNode *s = ja_xml_node_new (element, "jabber:client");

  if (child != NULL)
    ja_xml_node_add_new (s, child, ns);
  return s;
}

static void
test_iq_payload (void)
{
  g_autoptr (JaXmppRouter) r = ja_xmpp_router_new ();
  g_autoptr (JaXmlNode) ping = stanza ("iq", "ping", "urn:xmpp:ping");
  g_autoptr (JaXmlNode) other = stanza ("iq", "query", "urn:xmpp:ping");
  Hit h = { 0, TRUE };

  ja_xmpp_router_add (r, "iq", "ping", "urn:xmpp:ping", hit_cb, &h);
  g_assert_true (ja_xmpp_router_dispatch (r, ping));
  /* Same namespace, other element: not this handler. */
  g_assert_false (ja_xmpp_router_dispatch (r, other));
  g_assert_cmpuint (h.calls, ==, 1);
}

static void
test_message_ns_and_fallback (void)
{
  g_autoptr (JaXmppRouter) r = ja_xmpp_router_new ();
  g_autoptr (JaXmlNode) msg = stanza ("message", "propose",
      "urn:xmpp:jingle-message:0");
  g_autoptr (JaXmlNode) plain = stanza ("message", "body", NULL);
  Hit specific = { 0, TRUE }, any = { 0, FALSE };
  guint id;

  id = ja_xmpp_router_add (r, "message", NULL, "urn:xmpp:jingle-message:0",
      hit_cb, &specific);
  ja_xmpp_router_add (r, "message", NULL, NULL, hit_cb, &any);
  g_assert_true (ja_xmpp_router_dispatch (r, msg));
  g_assert_cmpuint (specific.calls, ==, 1);
  g_assert_cmpuint (any.calls, ==, 0);          /* consumed first */
  g_assert_false (ja_xmpp_router_dispatch (r, plain));
  g_assert_cmpuint (any.calls, ==, 1);          /* the fallback saw it */
  ja_xmpp_router_remove (r, id);
  g_assert_false (ja_xmpp_router_dispatch (r, msg));
  g_assert_cmpuint (specific.calls, ==, 1);
  g_assert_cmpuint (any.calls, ==, 2);
}

static void
test_long_namespace (void)
{
  g_autoptr (JaXmppRouter) r = ja_xmpp_router_new ();
  g_autofree char *ns = g_strnfill (2000, 'n');
  g_autoptr (JaXmlNode) s = stanza ("iq", "q", ns);
  Hit h = { 0, TRUE };

  ja_xmpp_router_add (r, "iq", NULL, NULL, hit_cb, &h);
  /* A namespace too long for a route key matches no specific route. */
  g_assert_true (ja_xmpp_router_dispatch (r, s));
  g_assert_cmpuint (h.calls, ==, 1);
}

typedef struct {
  JaXmppRouter *router;
  guint self_id;
  Hit added;
  guint calls;
} Churn;

static gboolean
churn_cb (const JaXmlNode *stanza, gpointer data)
{
  Churn *c = data;

  /* Change the very routes being dispatched. */
  c->calls++;
  ja_xmpp_router_remove (c->router, c->self_id);
  ja_xmpp_router_add (c->router, "message", NULL, NULL, hit_cb, &c->added);
  return FALSE;
}

static void
test_change_while_dispatching (void)
{
  g_autoptr (JaXmppRouter) r = ja_xmpp_router_new ();
  g_autoptr (JaXmlNode) msg = stanza ("message", "body", NULL);
  Churn c = { r, 0, { 0, TRUE }, 0 };

  c.self_id = ja_xmpp_router_add (r, "message", NULL, NULL, churn_cb, &c);
  /* The running dispatch sees the routes as they were when it began. */
  g_assert_false (ja_xmpp_router_dispatch (r, msg));
  g_assert_cmpuint (c.calls, ==, 1);
  g_assert_cmpuint (c.added.calls, ==, 0);
  /* The next one sees the change. */
  g_assert_true (ja_xmpp_router_dispatch (r, msg));
  g_assert_cmpuint (c.calls, ==, 1);
  g_assert_cmpuint (c.added.calls, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/router/iq-payload", test_iq_payload);
  g_test_add_func ("/xmpp/router/message-ns-and-fallback",
      test_message_ns_and_fallback);
  g_test_add_func ("/xmpp/router/long-namespace", test_long_namespace);
  g_test_add_func ("/xmpp/router/change-while-dispatching",
      test_change_while_dispatching);
  return g_test_run ();
}
