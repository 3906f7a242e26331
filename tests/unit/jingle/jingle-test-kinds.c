/* jingle-test-kinds.c — fake application and transport kinds for the engine
 * tests (no media, no network). Knobs ride on the XML: a description with
 * fail='1' is refused by accept_remote, a transport with bad='1' does not
 * parse (bad-request). */
#include "tests/unit/jingle/jingle-test-fakes.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/xmpp-error.h"

static gboolean
refuse_if (const JaXmlNode *node, const char *attr, GError **error)
{
  if (g_strcmp0 (ja_xml_node_get_attr (node, attr), "1") == 0) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "fake: %s='1'", attr);
    return TRUE;
  }
  return FALSE;
}

/* ---- applications ------------------------------------------------------- */

static JaJingleApp *
app_new_local (JaJingleContent *c, const JaJingleAppOptions *opts,
    GError **error)
{
  return (JaJingleApp *) g_new0 (FakeApp, 1);
}

static JaJingleApp *
app_new_remote (JaJingleContent *c, const JaXmlNode *description,
    GError **error)
{
  if (refuse_if (description, "bad", error))
    return NULL;
  return (JaJingleApp *) g_new0 (FakeApp, 1);
}

static void
app_free (JaJingleApp *app)
{
  g_free (app);
}

static JaXmlNode *
app_build (JaJingleApp *app, JaJingleAction action)
{
  return ja_xml_node_new ("description", app->kind->ns);
}

static gboolean
app_accept_remote (JaJingleApp *app, const JaXmlNode *description,
    GError **error)
{
  if (refuse_if (description, "fail", error))
    return FALSE;
  ((FakeApp *) app)->accepted++;
  return TRUE;
}

static gboolean
app_handle_info (JaJingleApp *app, const JaXmlNode *payload, GError **error)
{
  ((FakeApp *) app)->infos++;
  return TRUE;
}

static gboolean
app_handle_session_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error)
{
  if (g_strcmp0 (payload->ns, FAKE_NS_INFO) != 0) {
    g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
        "not mine");
    return FALSE;
  }
  ((FakeApp *) app)->session_infos++;
  return TRUE;
}

static void
app_start (JaJingleApp *app, JaJingleChannel *channel)
{
  ((FakeApp *) app)->started++;
}

static void
app_stop (JaJingleApp *app, JaJingleReason reason)
{
  ((FakeApp *) app)->stopped++;
  ((FakeApp *) app)->stop_reason = reason;
}

static void
app_senders_changed (JaJingleApp *app, JaJingleSenders senders)
{
  ((FakeApp *) app)->senders_changes++;
  ((FakeApp *) app)->senders = senders;
}

const JaJingleAppKind fake_app_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = FAKE_NS_APP,
  .flavor = JA_JINGLE_FLAVOR_STREAMING,
  .n_components = 1,
  .new_local = app_new_local,
  .new_remote = app_new_remote,
  .free = app_free,
  .build_description = app_build,
  .accept_remote = app_accept_remote,
  .handle_info = app_handle_info,
  .start = app_start,
  .stop = app_stop,
  .handle_session_info = app_handle_session_info,
  .senders_changed = app_senders_changed,
};

const JaJingleAppKind fake_dgram_app_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = FAKE_NS_APP_DGRAM,
  .flavor = JA_JINGLE_FLAVOR_DATAGRAM,
  .n_components = 2,
  .new_local = app_new_local,
  .new_remote = app_new_remote,
  .free = app_free,
  .build_description = app_build,
};

/* ---- transports --------------------------------------------------------- */

static JaJingleTransport *
tp_new_local (JaJingleContent *c, guint n_components, GError **error)
{
  return (JaJingleTransport *) g_new0 (FakeTransport, 1);
}

static JaJingleTransport *
tp_new_remote (JaJingleContent *c, const JaXmlNode *transport, GError **error)
{
  if (refuse_if (transport, "bad", error))
    return NULL;
  return (JaJingleTransport *) g_new0 (FakeTransport, 1);
}

static void
tp_free (JaJingleTransport *tp)
{
  g_free (tp);
}

static JaXmlNode *
tp_build (JaJingleTransport *tp, JaJingleAction action)
{
  return ja_xml_node_new ("transport", tp->kind->ns);
}

static gboolean
tp_accept_remote (JaJingleTransport *tp, const JaXmlNode *transport,
    GError **error)
{
  if (refuse_if (transport, "fail", error))
    return FALSE;
  ((FakeTransport *) tp)->accepted++;
  return TRUE;
}

static gboolean
tp_handle_info (JaJingleTransport *tp, const JaXmlNode *transport,
    GError **error)
{
  if (refuse_if (transport, "bad", error))
    return FALSE;
  ((FakeTransport *) tp)->infos++;
  return TRUE;
}

static void
tp_connect (JaJingleTransport *tp)
{
  ((FakeTransport *) tp)->connects++;
}

#define FAKE_TRANSPORT(NS, FLAVOR, PRIO, INFO) { \
    .api = JA_JINGLE_PLUGIN_API, .ns = NS, .flavor = FLAVOR, \
    .priority = PRIO, .new_local = tp_new_local, \
    .new_remote = tp_new_remote, .free = tp_free, .build = tp_build, \
    .accept_remote = tp_accept_remote, .handle_info = INFO, \
    .connect = tp_connect }

const JaJingleTransportKind fake_tp_high_kind = FAKE_TRANSPORT (
    FAKE_NS_TP_HIGH, JA_JINGLE_FLAVOR_STREAMING, 100, tp_handle_info);
const JaJingleTransportKind fake_tp_low_kind = FAKE_TRANSPORT (
    FAKE_NS_TP_LOW, JA_JINGLE_FLAVOR_STREAMING, 10, tp_handle_info);
const JaJingleTransportKind fake_tp_dgram_kind = FAKE_TRANSPORT (
    FAKE_NS_TP_DGRAM, JA_JINGLE_FLAVOR_DATAGRAM, 50, NULL);

JaJingleRegistry *
fake_registry_new (void)
{
  JaJingleRegistry *reg = ja_jingle_registry_new ();

  g_assert_true (ja_jingle_registry_add_app (reg, &fake_app_kind));
  g_assert_true (ja_jingle_registry_add_app (reg, &fake_dgram_app_kind));
  /* Registered low first: the registry must order by priority. */
  g_assert_true (ja_jingle_registry_add_transport (reg, &fake_tp_low_kind));
  g_assert_true (ja_jingle_registry_add_transport (reg, &fake_tp_dgram_kind));
  g_assert_true (ja_jingle_registry_add_transport (reg, &fake_tp_high_kind));
  return reg;
}
