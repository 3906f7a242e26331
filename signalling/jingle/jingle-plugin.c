/* jingle-plugin.c — the wrappers through which the engine calls plugin
 * vtables (STYLE.md §3.6): mandatory ops are checked once at registration,
 * a NULL optional op becomes a defined result here (Farstream). */
#include "signalling/jingle/jingle-plugin.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/xmpp-error.h"

gboolean
ja_jingle_app_kind_check (const JaJingleAppKind *kind)
{
  if (kind == NULL || kind->api != JA_JINGLE_PLUGIN_API || kind->ns == NULL
      || kind->new_local == NULL || kind->new_remote == NULL
      || kind->free == NULL || kind->build_description == NULL) {
    g_critical ("application kind %s: api %u (want %u) or a mandatory op "
        "missing", kind && kind->ns ? kind->ns : "(null)", kind ? kind->api : 0,
        JA_JINGLE_PLUGIN_API);
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_jingle_transport_kind_check (const JaJingleTransportKind *kind)
{
  if (kind == NULL || kind->api != JA_JINGLE_PLUGIN_API || kind->ns == NULL
      || kind->new_local == NULL || kind->new_remote == NULL
      || kind->free == NULL || kind->build == NULL) {
    g_critical ("transport kind %s: api %u (want %u) or a mandatory op "
        "missing", kind && kind->ns ? kind->ns : "(null)", kind ? kind->api : 0,
        JA_JINGLE_PLUGIN_API);
    return FALSE;
  }
  return TRUE;
}

static gboolean
missing_result (gpointer result, const char *ns, GError **error)
{
  if (result == NULL && error != NULL && *error == NULL)
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_INTERNAL_SERVER_ERROR,
        "%s: plugin failed without an error", ns);
  return result != NULL;
}

JaJingleApp *
ja_jingle_app_new_local (const JaJingleAppKind *kind, JaJingleContent *c,
    const JaJingleAppOptions *opts, GError **error)
{
  static const JaJingleAppOptions none = { NULL };
  JaJingleApp *app = kind->new_local (c, opts ? opts : &none, error);

  if (!missing_result (app, kind->ns, error))
    return NULL;
  app->kind = kind;
  app->content = c;
  return app;
}

JaJingleApp *
ja_jingle_app_new_remote (const JaJingleAppKind *kind, JaJingleContent *c,
    const JaXmlNode *description, GError **error)
{
  JaJingleApp *app = kind->new_remote (c, description, error);

  if (!missing_result (app, kind->ns, error))
    return NULL;
  app->kind = kind;
  app->content = c;
  return app;
}

void
ja_jingle_app_free (JaJingleApp *app)
{
  if (app != NULL)
    app->kind->free (app);
}

JaXmlNode *
ja_jingle_app_build_description (JaJingleApp *app, JaJingleAction action)
{
  return app->kind->build_description (app, action);
}

gboolean
ja_jingle_app_accept_remote (JaJingleApp *app, const JaXmlNode *description,
    GError **error)
{
  if (app->kind->accept_remote == NULL || description == NULL)
    return TRUE;
  return app->kind->accept_remote (app, description, error);
}

static gboolean
unsupported_info (const char *ns, GError **error)
{
  g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_INFO,
      "%s takes no informational messages", ns);
  return FALSE;
}

gboolean
ja_jingle_app_handle_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error)
{
  if (app->kind->handle_info == NULL)
    return unsupported_info (app->kind->ns, error);
  return app->kind->handle_info (app, payload, error);
}

gboolean
ja_jingle_app_handle_session_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error)
{
  if (app->kind->handle_session_info == NULL)
    return unsupported_info (app->kind->ns, error);
  return app->kind->handle_session_info (app, payload, error);
}

void
ja_jingle_app_senders_changed (JaJingleApp *app, JaJingleSenders senders)
{
  if (app->kind->senders_changed != NULL)
    app->kind->senders_changed (app, senders);
}

void
ja_jingle_app_start (JaJingleApp *app, JaJingleChannel *channel)
{
  if (app->kind->start != NULL)
    app->kind->start (app, channel);
}

void
ja_jingle_app_stop (JaJingleApp *app, JaJingleReason reason)
{
  if (app->kind->stop != NULL)
    app->kind->stop (app, reason);
}

JaJingleTransport *
ja_jingle_transport_new_local (const JaJingleTransportKind *kind,
    JaJingleContent *c, guint n_components, GError **error)
{
  JaJingleTransport *tp = kind->new_local (c, n_components, error);

  if (!missing_result (tp, kind->ns, error))
    return NULL;
  tp->kind = kind;
  tp->content = c;
  return tp;
}

JaJingleTransport *
ja_jingle_transport_new_remote (const JaJingleTransportKind *kind,
    JaJingleContent *c, const JaXmlNode *transport, GError **error)
{
  JaJingleTransport *tp = kind->new_remote (c, transport, error);

  if (!missing_result (tp, kind->ns, error))
    return NULL;
  tp->kind = kind;
  tp->content = c;
  return tp;
}

void
ja_jingle_transport_free (JaJingleTransport *tp)
{
  if (tp != NULL)
    tp->kind->free (tp);
}

JaXmlNode *
ja_jingle_transport_build (JaJingleTransport *tp, JaJingleAction action)
{
  return tp->kind->build (tp, action);
}

gboolean
ja_jingle_transport_accept_remote (JaJingleTransport *tp,
    const JaXmlNode *transport, GError **error)
{
  if (tp->kind->accept_remote == NULL || transport == NULL)
    return TRUE;
  return tp->kind->accept_remote (tp, transport, error);
}

gboolean
ja_jingle_transport_handle_info (JaJingleTransport *tp,
    const JaXmlNode *transport, GError **error)
{
  if (tp->kind->handle_info == NULL)
    return unsupported_info (tp->kind->ns, error);
  return tp->kind->handle_info (tp, transport, error);
}

void
ja_jingle_transport_connect (JaJingleTransport *tp)
{
  if (tp->kind->connect != NULL)
    tp->kind->connect (tp);
}
