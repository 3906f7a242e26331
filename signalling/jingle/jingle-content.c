/* jingle-content.c — the lifecycle of one content (XEP-0166 §7.3): creating
 * its application and transport from the registry, handing the transport's
 * channel to the application, and transport fallback with a tried-list
 * (transport-replace / -accept / -reject, §7.2.12–15, Dino's idea). The
 * session owns its contents; a content owns its plugin state. */
#include "signalling/jingle/jingle-private.h"

#include "signalling/jingle/jingle-error.h"
#include "signalling/xmpp/xmpp-error.h"

JaJingleContent *
ja_jingle_content_new (JaJingleSession *session, JaJingleRole creator,
    const char *name)
{
  JaJingleContent *c = g_new0 (JaJingleContent, 1);

  c->session = session;
  c->creator = creator;
  c->name = g_strdup (name);
  c->tried = g_ptr_array_new ();
  return c;
}

static void
free_plugins (JaJingleContent *c)
{
  g_clear_pointer (&c->replacement, ja_jingle_transport_free);
  g_clear_pointer (&c->transport, ja_jingle_transport_free);
  g_clear_pointer (&c->app, ja_jingle_app_free);
  g_clear_pointer (&c->channel, ja_jingle_channel_unref);
}

void
ja_jingle_content_free (JaJingleContent *c)
{
  if (c == NULL)
    return;
  free_plugins (c);
  g_ptr_array_unref (c->tried);
  g_clear_pointer (&c->security, ja_xml_node_free);
  g_free (c->name);
  g_free (c->disposition);
  g_free (c);
}

/* ---- getters ------------------------------------------------------------ */

const char *
ja_jingle_content_get_name (JaJingleContent *c)
{
  return c->name;
}

JaJingleRole
ja_jingle_content_get_creator (JaJingleContent *c)
{
  return c->creator;
}

JaJingleSenders
ja_jingle_content_get_senders (JaJingleContent *c)
{
  return c->senders;
}

const char *
ja_jingle_content_get_disposition (JaJingleContent *c)
{
  return c->disposition;
}

gboolean
ja_jingle_content_is_accepted (JaJingleContent *c)
{
  return c->accepted;
}

JaJingleApp *
ja_jingle_content_get_app (JaJingleContent *c)
{
  return c->app;
}

JaJingleTransport *
ja_jingle_content_get_transport (JaJingleContent *c)
{
  return c->transport;
}

const JaXmlNode *
ja_jingle_content_get_security (JaJingleContent *c)
{
  return c->security;
}

JaJingleChannel *
ja_jingle_content_get_channel (JaJingleContent *c)
{
  return c->channel;
}

JaJingleSession *
ja_jingle_content_get_session (JaJingleContent *c)
{
  return c->session;
}

const char *
ja_jingle_content_get_sid (JaJingleContent *c)
{
  return ja_jingle_session_get_sid (c->session);
}

const char *
ja_jingle_content_get_peer (JaJingleContent *c)
{
  return ja_jingle_session_get_peer (c->session);
}

JaJingleRole
ja_jingle_content_get_local_role (JaJingleContent *c)
{
  return ja_jingle_session_get_role (c->session);
}

JaJingleSignalling *
ja_jingle_content_get_signalling (JaJingleContent *c)
{
  return ja_jingle_session_get_signalling (c->session);
}

/* ---- creation ----------------------------------------------------------- */

static JaJingleRegistry *
registry (JaJingleContent *c)
{
  return ja_jingle_session_get_registry (c->session);
}

gboolean
ja_jingle_content_init_local (JaJingleContent *c, const char *app_ns,
    const char *transport_ns, const JaJingleAppOptions *opts, GError **error)
{
  const JaJingleAppKind *ak = ja_jingle_registry_lookup_app (registry (c),
      app_ns);
  const JaJingleTransportKind *tk;

  if (ak == NULL) {
    g_set_error (error, JA_JINGLE_ERROR,
        JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS,
        "no application kind %s", app_ns);
    return FALSE;
  }
  if (transport_ns != NULL)
    tk = ja_jingle_registry_lookup_transport (registry (c), transport_ns);
  else
    tk = ja_jingle_registry_next_transport (registry (c), ak->flavor, NULL);
  if (tk == NULL || tk->flavor != ak->flavor) {
    g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS,
        "no transport kind %s for %s", transport_ns ? transport_ns : "",
        app_ns);
    return FALSE;
  }
  c->app_kind = ak;
  /* Set before new_local, so the kind sees the direction it was asked for
   * (ja_jingle_content_get_senders). */
  c->senders = opts != NULL ? opts->senders : JA_JINGLE_SENDERS_BOTH;
  c->app = ja_jingle_app_new_local (ak, c, opts, error);
  if (c->app == NULL)
    return FALSE;
  c->transport = ja_jingle_transport_new_local (tk, c, ak->n_components,
      error);
  if (c->transport == NULL)
    return FALSE;
  g_ptr_array_add (c->tried, (gpointer) tk);
  return TRUE;
}

gboolean
ja_jingle_content_check_remote (JaJingleRegistry *reg,
    const JaJingleMessageContent *mc, GError **error)
{
  const JaJingleAppKind *ak;
  const JaJingleTransportKind *tk;

  if (mc->description == NULL || mc->transport == NULL) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "content '%s' lacks a description or a transport", mc->name);
    return FALSE;
  }
  ak = ja_jingle_registry_lookup_app (reg, mc->description->ns);
  if (ak == NULL) {
    g_set_error (error, JA_JINGLE_ERROR,
        JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS, "no application kind %s",
        mc->description->ns);
    return FALSE;
  }
  tk = ja_jingle_registry_lookup_transport (reg, mc->transport->ns);
  if (tk == NULL || tk->flavor != ak->flavor) {
    g_set_error (error, JA_JINGLE_ERROR, JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS,
        "no usable transport kind %s", mc->transport->ns);
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_jingle_content_init_remote (JaJingleContent *c,
    const JaJingleMessageContent *mc, GError **error)
{
  const JaJingleTransportKind *tk;

  if (!ja_jingle_content_check_remote (registry (c), mc, error))
    return FALSE;
  c->app_kind = ja_jingle_registry_lookup_app (registry (c),
      mc->description->ns);
  tk = ja_jingle_registry_lookup_transport (registry (c), mc->transport->ns);
  c->senders = mc->senders;
  c->disposition = g_strdup (mc->disposition);
  if (mc->security != NULL)
    c->security = ja_xml_node_copy (mc->security);
  c->app = ja_jingle_app_new_remote (c->app_kind, c, mc->description, error);
  if (c->app == NULL)
    return FALSE;
  c->transport = ja_jingle_transport_new_remote (tk, c, mc->transport, error);
  if (c->transport == NULL)
    return FALSE;
  g_ptr_array_add (c->tried, (gpointer) tk);
  return TRUE;
}

JaJingleMessageContent *
ja_jingle_content_to_message (JaJingleContent *c, JaJingleMessage *msg,
    gboolean description, gboolean transport)
{
  JaJingleMessageContent *mc = ja_jingle_message_add_content (msg, c->creator,
      c->name);

  mc->disposition = g_strdup (c->disposition);
  mc->senders = c->senders;
  mc->has_senders = c->senders != JA_JINGLE_SENDERS_BOTH
      || msg->action == JA_JINGLE_ACTION_CONTENT_MODIFY;
  if (description && c->app != NULL)
    mc->description = ja_jingle_app_build_description (c->app, msg->action);
  if (transport && c->transport != NULL)
    mc->transport = ja_jingle_transport_build (c->transport, msg->action);
  return mc;
}

void
ja_jingle_content_connect (JaJingleContent *c)
{
  if (c->transport != NULL)
    ja_jingle_transport_connect (c->transport);
}

void
ja_jingle_content_shutdown (JaJingleContent *c, JaJingleReason reason)
{
  if (c->channel != NULL)
    ja_jingle_channel_close (c->channel);
  if (c->app != NULL)
    ja_jingle_app_stop (c->app, reason);
  free_plugins (c);
}

/* ---- callbacks from plugins --------------------------------------------- */

static gboolean
session_live (JaJingleContent *c)
{
  JaJingleState s = ja_jingle_session_get_state (c->session);

  return s == JA_JINGLE_STATE_PENDING || s == JA_JINGLE_STATE_ACTIVE;
}

static void
send_with_node (JaJingleContent *c, JaJingleAction action, JaXmlNode *node,
    gboolean is_description)
{
  g_autoptr (JaXmlNode) owned = node;
  JaJingleMessage *msg;
  JaJingleMessageContent *mc;

  if (!session_live (c)) {
    g_debug ("content %s/%s: %s dropped in state %s",
        ja_jingle_content_get_sid (c), c->name,
        ja_jingle_action_to_string (action),
        ja_jingle_state_to_string (ja_jingle_session_get_state (c->session)));
    return;
  }
  msg = ja_jingle_message_new (action, ja_jingle_content_get_sid (c));
  mc = ja_jingle_content_to_message (c, msg, FALSE, FALSE);
  mc->has_senders = FALSE;
  if (is_description)
    mc->description = g_steal_pointer (&owned);
  else
    mc->transport = g_steal_pointer (&owned);
  ja_jingle_session_send (c->session, msg);
}

void
ja_jingle_content_send_transport_info (JaJingleContent *c,
    JaXmlNode *transport)
{
  send_with_node (c, JA_JINGLE_ACTION_TRANSPORT_INFO, transport, FALSE);
}

void
ja_jingle_content_send_description_info (JaJingleContent *c,
    JaXmlNode *description)
{
  send_with_node (c, JA_JINGLE_ACTION_DESCRIPTION_INFO, description, TRUE);
}

void
ja_jingle_content_transport_ready (JaJingleContent *c,
    JaJingleChannel *channel)
{
  if (!session_live (c) || c->app == NULL)
    return;
  g_info ("content %s/%s: transport %s ready", ja_jingle_content_get_sid (c),
      c->name, c->transport ? c->transport->kind->ns : "?");
  if (c->channel != channel) {
    g_clear_pointer (&c->channel, ja_jingle_channel_unref);
    c->channel = ja_jingle_channel_ref (channel);
  }
  ja_jingle_app_start (c->app, channel);
}

/* Propose the next transport kind not tried yet (transport-replace), or
 * end the session: every method is exhausted (§6.7 failed-transport). */
static void
try_next_transport (JaJingleContent *c)
{
  g_autoptr (GError) error = NULL;
  const JaJingleTransportKind *next;
  JaJingleMessage *msg;
  JaJingleMessageContent *mc;

  next = ja_jingle_registry_next_transport (registry (c), c->app_kind->flavor,
      c->tried);
  if (next != NULL) {
    g_ptr_array_add (c->tried, (gpointer) next);
    c->replacement = ja_jingle_transport_new_local (next, c,
        c->app_kind->n_components, &error);
  }
  if (c->replacement == NULL) {
    g_info ("content %s/%s: no transport left%s%s",
        ja_jingle_content_get_sid (c), c->name, error ? ": " : "",
        error ? error->message : "");
    ja_jingle_session_end (c->session, JA_JINGLE_REASON_FAILED_TRANSPORT,
        NULL, TRUE);
    return;
  }
  g_info ("content %s/%s: transport-replace with %s",
      ja_jingle_content_get_sid (c), c->name, next->ns);
  msg = ja_jingle_message_new (JA_JINGLE_ACTION_TRANSPORT_REPLACE,
      ja_jingle_content_get_sid (c));
  mc = ja_jingle_content_to_message (c, msg, FALSE, FALSE);
  mc->transport = ja_jingle_transport_build (c->replacement,
      JA_JINGLE_ACTION_TRANSPORT_REPLACE);
  ja_jingle_session_send (c->session, msg);
}

void
ja_jingle_content_transport_failed (JaJingleContent *c, const GError *error)
{
  if (!session_live (c) || c->app == NULL)
    return;
  g_info ("content %s/%s: transport %s failed: %s",
      ja_jingle_content_get_sid (c), c->name,
      c->transport ? c->transport->kind->ns : "?",
      error ? error->message : "?");
  if (c->replacement != NULL)
    return;   /* a replacement is already on its way */
  try_next_transport (c);
}

void
ja_jingle_content_app_finished (JaJingleContent *c, JaJingleReason reason)
{
  if (c->finished)
    return;
  c->finished = TRUE;
  c->finish_reason = reason;
  ja_jingle_session_content_finished (c->session);
}

/* ---- transport negotiation from the peer -------------------------------- */

static void
swap_transport (JaJingleContent *c, JaJingleTransport *tp)
{
  g_clear_pointer (&c->channel, ja_jingle_channel_unref);
  g_clear_pointer (&c->transport, ja_jingle_transport_free);
  c->transport = tp;
  ja_jingle_content_connect (c);
}

static void
send_transport_answer (JaJingleContent *c, JaJingleAction action,
    JaXmlNode *transport)
{
  JaJingleMessage *msg = ja_jingle_message_new (action,
      ja_jingle_content_get_sid (c));
  JaJingleMessageContent *mc = ja_jingle_content_to_message (c, msg, FALSE,
      FALSE);

  mc->transport = transport;
  ja_jingle_session_send (c->session, msg);
}

void
ja_jingle_content_peer_transport_replace (JaJingleContent *c,
    const JaXmlNode *transport)
{
  g_autoptr (GError) error = NULL;
  const JaJingleTransportKind *tk;
  JaJingleTransport *tp = NULL;

  tk = ja_jingle_registry_lookup_transport (registry (c), transport->ns);
  if (tk != NULL && tk->flavor == c->app_kind->flavor)
    tp = ja_jingle_transport_new_remote (tk, c, transport, &error);
  if (tp == NULL) {
    /* §7.2.15: a method we cannot use is answered with transport-reject. */
    g_info ("content %s/%s: rejecting transport %s%s%s",
        ja_jingle_content_get_sid (c), c->name, transport->ns,
        error ? ": " : "", error ? error->message : "");
    send_transport_answer (c, JA_JINGLE_ACTION_TRANSPORT_REJECT,
        ja_xml_node_copy (transport));
    return;
  }
  g_ptr_array_add (c->tried, (gpointer) tk);
  g_info ("content %s/%s: accepting transport %s",
      ja_jingle_content_get_sid (c), c->name, tk->ns);
  send_transport_answer (c, JA_JINGLE_ACTION_TRANSPORT_ACCEPT,
      ja_jingle_transport_build (tp, JA_JINGLE_ACTION_TRANSPORT_ACCEPT));
  swap_transport (c, tp);
}

void
ja_jingle_content_peer_transport_accept (JaJingleContent *c,
    const JaXmlNode *transport)
{
  g_autoptr (GError) error = NULL;
  JaJingleTransport *tp = g_steal_pointer (&c->replacement);

  if (!ja_jingle_transport_accept_remote (tp, transport, &error)) {
    g_info ("content %s/%s: transport-accept unusable: %s",
        ja_jingle_content_get_sid (c), c->name, error->message);
    ja_jingle_transport_free (tp);
    ja_jingle_session_end (c->session, JA_JINGLE_REASON_FAILED_TRANSPORT,
        NULL, TRUE);
    return;
  }
  swap_transport (c, tp);
}

void
ja_jingle_content_peer_transport_reject (JaJingleContent *c)
{
  g_clear_pointer (&c->replacement, ja_jingle_transport_free);
  try_next_transport (c);
}

void
ja_jingle_content_replace_failed (JaJingleContent *c, gboolean tie_break)
{
  if (c->replacement == NULL)
    return;
  if (tie_break) {
    /* The initiator's own transport-replace wins (§7.2.16); ours is void. */
    ja_jingle_content_drop_replacement (c);
    return;
  }
  ja_jingle_content_peer_transport_reject (c);
}

void
ja_jingle_content_drop_replacement (JaJingleContent *c)
{
  if (c->replacement != NULL)
    g_ptr_array_remove (c->tried, (gpointer) c->replacement->kind);
  g_clear_pointer (&c->replacement, ja_jingle_transport_free);
}
