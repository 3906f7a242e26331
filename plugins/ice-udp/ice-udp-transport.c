/* ice-udp-transport.c — the XEP-0176 + XEP-0320 transport kind (see
 * ice-udp-transport.h). The codec (ice-udp-codec.c) turns XML into plain
 * data; the engines (media/) do ICE, DTLS and SRTP; this file is the state
 * between them: who is controlling, which DTLS role we take (RFC 5763 as
 * XEP-0320 §3 applies it: the offer says actpass, the answer active, so the
 * responder is the DTLS client), what was trickled, and when the content's
 * channel is ready. */
#include "plugins/ice-udp/ice-udp-transport.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "media/dtls.h"
#include "media/media-error.h"
#include "media/media-events.h"
#include "media/media-loop.h"
#include "media/rtp-event.h"
#include "media/rtp-hdrext.h"
#include "plugins/ice-udp/ice-udp-codec.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

#define OPTIONS_KEY "ja-ice-udp-options"
#define BUNDLE_KEY "ja-ice-udp-bundle-leader"
#define OBSERVER_KEY "ja-ice-udp-observer"
/* The peer's credentials from before its (or our) restarts, remembered to
 * recognise what it sent before it learnt of a restart. */
#define MAX_RETIRED 8
#define MAX_EARLY_PACKETS 32
#define MAX_PACKET 1500

typedef struct {
  JaDtlsCert *cert;            /* nullable */
  gboolean allow_loopback;
  gboolean host_candidates;
  gboolean relay_only;
  char **local_addresses;      /* nullable */
  char *stun_host;
  guint stun_port;
  GPtrArray *turn_servers;     /* JaIceTurnServer*, owned */
} Options;

typedef struct _IceUdpTransport {
  JaJingleTransport parent;
  JaIceAgent *ice;
  JaDtlsCert *cert;
  JaDtls *dtls;
  JaSrtp *srtp;
  JaSrtpKeys *keys;
  JaJingleChannel *channel;
  JaDtlsSetup local_setup;
  gboolean role_known;
  JaDtlsRole dtls_role;
  char *remote_hash;
  char *remote_fingerprint;
  GPtrArray *early;            /* GBytes*: DTLS records before the role */
  GPtrArray *early_media;      /* GBytes*: SRTP that came before our keys */
  gboolean announced;          /* our transport element went out */
  gboolean ice_connected;
  gboolean failed;
  gint64 t_start;              /* µs: connect() or first remote candidates */
  guint ice_ms;
  guint connect_timeout_id;
  char *local_pair;
  char *remote_pair;
  const char *local_type;
  FILE *tap_plain;
  FILE *tap_wire;
  guint drop_every;            /* test hook: drop every Nth RTP packet sent */
  gint64 drop_from, drop_until; /* test hook: drop the RTP sent in this
                                   window (µs after SRTP was keyed) */
  guint64 rtp_sent;
  guint64 dropped_before_keys;
  gint64 secured_at;
  /* ICE restarts (RFC 8445 §9, XEP-0176 §ICE Restarts) */
  char *peer_ufrag;            /* the peer's credentials in use; NULL after
                                  our restart until it answers */
  char *peer_pwd;
  GPtrArray *retired;          /* char*: ufrag, pwd, …, NULL-terminated */
  guint restarts;
  guint recovery_id;           /* connectivity lost: the bounded wait */
  guint fake_failure_id;       /* test hook JINGLE_AGENT_TEST_ICE_FAIL_AFTER */
  /* XEP-0338 BUNDLE: a leader owns the ICE agent, DTLS and SRTP of the
   * group; a follower (another content of the group) has none and rides
   * on its leader's. */
  struct _IceUdpTransport *leader;   /* unowned; NULL for a leader */
  GPtrArray *followers;              /* IceUdpTransport*, unowned */
  /* Which packets of the bundle are this content's (RFC 8843 §9.2), as
   * its application said; ssrcs grows with the SSRCs a MID teaches. */
  gboolean have_demux;
  char *mid;
  guint8 mid_ext_id;
  guint8 pts[128];
  GHashTable *ssrcs;                 /* of GUINT_TO_POINTER (ssrc) */
  gboolean routed_by_mid;            /* logged once */
  guint64 demux_dropped;             /* leader: RTP no content claimed */
  /* Receiving on the media thread (set_media_thread, a leader alone).
   * Sends may come from any thread: the test hooks, the tap, SRTP protect
   * and the ICE send go under send_lock. Receiving runs on one context at
   * a time (moved under the media loop's lock), and SRTP's inbound side
   * and its counters stand apart from the outbound one. DTLS records that
   * arrive on the media thread go to the creator's context (dtls_events;
   * at most MAX_EARLY_PACKETS waiting: dtls_pending, atomic). */
  GMutex send_lock;
  gboolean on_media_thread;
  GMainContext *media_context; /* its media thread's, while on it */
  JaMediaEvents *dtls_events;        /* of GBytes */
  gint dtls_pending;
} IceUdpTransport;

/* ---- options ------------------------------------------------------------ */

static void
options_free (gpointer data)
{
  Options *o = data;

  g_clear_pointer (&o->cert, ja_dtls_cert_unref);
  g_strfreev (o->local_addresses);
  g_free (o->stun_host);
  g_clear_pointer (&o->turn_servers, g_ptr_array_unref);
  g_free (o);
}

static JaIceTurnServer *
turn_copy (const JaIceTurnServer *t)
{
  JaIceTurnServer *n = g_new0 (JaIceTurnServer, 1);

  n->host = g_strdup (t->host);
  n->port = t->port;
  n->transport = t->transport;
  n->username = g_strdup (t->username);
  n->password = g_strdup (t->password);
  n->ca_file = g_strdup (t->ca_file);
  n->no_system_trust = t->no_system_trust;
  return n;
}

void
ja_ice_udp_transport_set_options (JaXmppStream *stream, JaDtlsCert *cert,
    const JaIceConfig *config)
{
  Options *o = g_new0 (Options, 1);

  g_return_if_fail (stream != NULL && config != NULL);
  o->cert = cert != NULL ? ja_dtls_cert_ref (cert) : NULL;
  o->allow_loopback = config->allow_loopback;
  o->host_candidates = config->host_candidates;
  o->relay_only = config->relay_only;
  if (config->local_addresses != NULL)
    o->local_addresses = g_strdupv ((char **) config->local_addresses);
  o->stun_host = g_strdup (config->stun_host);
  o->stun_port = config->stun_port;
  o->turn_servers = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  for (guint i = 0; config->turn_servers != NULL
      && i < config->turn_servers->len; i++)
    g_ptr_array_add (o->turn_servers,
        turn_copy (g_ptr_array_index (config->turn_servers, i)));
  g_object_set_data_full (G_OBJECT (stream), OPTIONS_KEY, o, options_free);
}

static const Options *
content_options (JaJingleContent *c)
{
  JaJingleSignalling *sig = c != NULL ? ja_jingle_content_get_signalling (c)
      : NULL;
  JaXmppStream *stream = sig != NULL ? ja_jingle_signalling_get_stream (sig)
      : NULL;

  return stream != NULL ? g_object_get_data (G_OBJECT (stream), OPTIONS_KEY)
      : NULL;
}

/* The certificate shared by every content of one process when the agent
 * set none: generating a P-256 key per call would cost a few ms each. */
static JaDtlsCert *
default_cert (GError **error)
{
  static JaDtlsCert *cert;
  static GMutex lock;
  JaDtlsCert *ret;

  g_mutex_lock (&lock);
  if (cert == NULL)
    cert = ja_dtls_cert_load_or_create (NULL, error);
  ret = cert != NULL ? ja_dtls_cert_ref (cert) : NULL;
  g_mutex_unlock (&lock);
  return ret;
}

/* ---- ending ------------------------------------------------------------- */



static void
fail (IceUdpTransport *self, JaJingleReason reason, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

static void
fail (IceUdpTransport *self, JaJingleReason reason, const char *fmt, ...)
{
  JaJingleContent *c = self->parent.content;
  g_autofree char *text = NULL;
  va_list ap;

  if (self->failed)
    return;
  self->failed = TRUE;
  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_info ("ice-udp %s: %s", ja_jingle_content_get_sid (c), text);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->recovery_id, g_source_remove);
  ja_jingle_session_terminate_later (ja_jingle_content_get_session (c),
      reason, text);
}

/* ---- the channel the application gets ---------------------------------- */

static void
tap_write (FILE *f, const guint8 *data, gsize len)
{
  guint8 hdr[4] = { (guint8) (len >> 24), (guint8) (len >> 16),
    (guint8) (len >> 8), (guint8) len };

  if (f == NULL)
    return;
  fwrite (hdr, 1, 4, f);
  fwrite (data, 1, len, f);
}

static gboolean
channel_send (gpointer impl, guint component, GBytes *packet, GError **error)
{
  IceUdpTransport *self = impl;
  guint8 buf[MAX_PACKET + JA_SRTP_MAX_TRAILER];
  gboolean ok;

  if (self->followers == NULL && self->leader == NULL && self->ice == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "the bundle's transport is gone");
    return FALSE;
  }
  if (self->leader != NULL)
    self = self->leader;     /* bundled: one ICE component, one SRTP */
  gsize len;
  const guint8 *data = g_bytes_get_data (packet, &len);

  if (self->srtp == NULL || self->ice == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "SRTP not keyed");
    return FALSE;
  }
  if (len > MAX_PACKET) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
        "RTP packet of %" G_GSIZE_FORMAT " bytes", len);
    return FALSE;
  }
  g_mutex_lock (&self->send_lock);
  /* Test hooks: loss on the send path (RTP only, RTCP goes through). */
  if ((self->drop_every > 0 || self->drop_until > 0) && len >= 2
      && !ja_rtp_is_rtcp (data, len)) {
    gint64 t = g_get_monotonic_time () - self->secured_at;

    if ((self->drop_every > 0 && ++self->rtp_sent % self->drop_every == 0)
        || (t >= self->drop_from && t < self->drop_until)) {
      g_mutex_unlock (&self->send_lock);
      return TRUE;
    }
  }
  memcpy (buf, data, len);
  tap_write (self->tap_plain, buf, len);
  ok = ja_srtp_protect (self->srtp, buf, &len, error);
  if (ok) {
    tap_write (self->tap_wire, buf, len);
    ok = ja_ice_agent_send (self->ice, component, buf, len, error);
  }
  g_mutex_unlock (&self->send_lock);
  return ok;
}

static void
channel_close (gpointer impl)
{
}

static void
channel_set_demux (gpointer impl, const JaJingleDemuxKeys *keys)
{
  IceUdpTransport *self = impl;

  g_free (self->mid);
  self->mid = g_strdup (keys->mid);
  self->mid_ext_id = keys->mid_ext_id;
  memset (self->pts, 0, sizeof self->pts);
  if (keys->pts != NULL)
    memcpy (self->pts, keys->pts, sizeof self->pts);
  if (self->ssrcs == NULL)
    self->ssrcs = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < keys->n_ssrcs; i++)
    g_hash_table_add (self->ssrcs, GUINT_TO_POINTER (keys->ssrcs[i]));
  self->have_demux = TRUE;
}

/* A DTLS record that reached the media thread (the peer's alert, a
 * retransmitted flight), on the creator's context. */
static void
deliver_dtls (gpointer owner, gpointer event)
{
  IceUdpTransport *self = owner;
  gsize n;
  const guint8 *d = g_bytes_get_data (event, &n);

  g_atomic_int_add (&self->dtls_pending, -1);
  if (self->dtls != NULL)
    ja_dtls_receive (self->dtls, d, n);
}

static const JaMediaLoopFuncs media_loop_client = { { NULL } };

/* Back to receiving on the creator's context; synchronous: once this
 * returns, the media thread runs none of our code. */
static void
media_thread_off (IceUdpTransport *self)
{
  if (!self->on_media_thread)
    return;
  ja_media_loop_lock ();
  ja_ice_agent_set_receive_context (self->ice, NULL);
  self->on_media_thread = FALSE;
  self->media_context = NULL;
  ja_media_loop_unlock ();
  ja_media_loop_remove (self);
  /* A record still queued is dropped, as a network may: DTLS retransmits. */
  ja_media_events_free (self->dtls_events, NULL);
  self->dtls_events = NULL;
  g_atomic_int_set (&self->dtls_pending, 0);
  g_info ("ice-udp %s: receiving on the main context again",
      self->parent.content != NULL
      ? ja_jingle_content_get_sid (self->parent.content) : "-");
}

static gboolean
channel_set_media_thread (gpointer impl, GMainContext *context)
{
  IceUdpTransport *self = impl;

  if (context == NULL) {
    if (self->leader == NULL)
      media_thread_off (self);
    return TRUE;
  }
  /* Alone on its transport and keyed: then every packet is this
   * content's and nothing but SRTP, DTLS and libnice is in the way. */
  if (self->leader != NULL || self->ice == NULL || self->srtp == NULL
      || (self->followers != NULL && self->followers->len > 0)
      || self->failed)
    return FALSE;
  if (self->on_media_thread)
    return self->media_context == context;
  self->dtls_events = ja_media_events_new ("ja-ice-udp-dtls", deliver_dtls,
      (GDestroyNotify) g_bytes_unref, self);
  /* Keeps that thread ticking (its context dispatched) while we are on it. */
  self->media_context = ja_media_loop_add (&media_loop_client, self, context);
  ja_media_loop_lock ();
  self->on_media_thread = TRUE;
  ja_ice_agent_set_receive_context (self->ice, context);
  ja_media_loop_unlock ();
  g_info ("ice-udp %s: receiving on the media thread",
      ja_jingle_content_get_sid (self->parent.content));
  return TRUE;
}

static const JaJingleDatagramOps channel_ops = {
  .send = channel_send,
  .close = channel_close,
  .set_demux = channel_set_demux,
  .set_media_thread = channel_set_media_thread,
};

static void receive_cb (JaIceAgent *agent, guint component,
    const guint8 *data, gsize len, gpointer user_data);

/* ---- DTLS --------------------------------------------------------------- */

static gboolean
dtls_send_cb (const guint8 *data, gsize len, gpointer user_data)
{
  IceUdpTransport *self = user_data;

  return self->ice != NULL && ja_ice_agent_send (self->ice, 1, data, len,
      NULL);
}

static void
dtls_done_cb (JaDtls *dtls, JaSrtpKeys *keys, const GError *error,
    gpointer user_data)
{
  IceUdpTransport *self = user_data;
  g_autoptr (GError) local = NULL;

  if (keys == NULL) {
    fail (self, JA_JINGLE_REASON_SECURITY_ERROR, "DTLS: %s",
        error != NULL ? error->message : "handshake failed");
    return;
  }
  self->keys = keys;
  self->secured_at = g_get_monotonic_time ();
  self->srtp = ja_srtp_new (keys, self->dtls_role == JA_DTLS_ROLE_CLIENT,
      &local);
  if (self->srtp == NULL) {
    fail (self, JA_JINGLE_REASON_SECURITY_ERROR, "SRTP: %s", local->message);
    return;
  }
  g_info ("ice-udp %s: secured with %s (%s, %u ms)",
      ja_jingle_content_get_sid (self->parent.content),
      ja_srtp_profile_to_string (keys->profile),
      ja_dtls_get_version_name (dtls), ja_dtls_get_handshake_ms (dtls));
  self->channel = ja_jingle_channel_new_datagram (&channel_ops, self, NULL);
  ja_jingle_content_transport_ready (self->parent.content, self->channel);
  for (guint i = 0; self->followers != NULL && i < self->followers->len; i++) {
    IceUdpTransport *f = g_ptr_array_index (self->followers, i);

    if (f->channel == NULL)
      f->channel = ja_jingle_channel_new_datagram (&channel_ops, f, NULL);
    ja_jingle_content_transport_ready (f->parent.content, f->channel);
  }
  /* What the peer sent before we were keyed, now that we are. */
  if (self->early_media != NULL) {
    g_autoptr (GPtrArray) queued = g_steal_pointer (&self->early_media);

    for (guint i = 0; i < queued->len && self->srtp != NULL; i++) {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (queued, i), &n);

      receive_cb (self->ice, 1, d, n, self);
    }
  }
}

/* The DTLS records that came before our DTLS or our ICE, once we have
 * both. */
static void
feed_early_dtls (IceUdpTransport *self)
{
  g_autoptr (GPtrArray) early = NULL;

  if (self->dtls == NULL || !self->ice_connected || self->early == NULL)
    return;
  early = g_steal_pointer (&self->early);
  for (guint i = 0; i < early->len && self->dtls != NULL; i++) {
    gsize len;
    const guint8 *d = g_bytes_get_data (g_ptr_array_index (early, i), &len);

    ja_dtls_receive (self->dtls, d, len);
  }
}

/* Once both the role and the peer's fingerprint are known. */
static void
ensure_dtls (IceUdpTransport *self)
{
  g_autoptr (GError) error = NULL;

  if (self->dtls != NULL || !self->role_known || self->failed)
    return;
  self->dtls = ja_dtls_new (self->cert, self->dtls_role, self->remote_hash,
      self->remote_fingerprint, dtls_send_cb, dtls_done_cb, self, &error);
  if (self->dtls == NULL) {
    fail (self, JA_JINGLE_REASON_SECURITY_ERROR, "DTLS: %s", error->message);
    return;
  }
  /* A server only waits; a client speaks once ICE works. */
  if (self->dtls_role == JA_DTLS_ROLE_SERVER || self->ice_connected)
    ja_dtls_start (self->dtls);
  feed_early_dtls (self);
}

static void
set_role (IceUdpTransport *self, JaDtlsRole role)
{
  if (self->role_known)
    return;
  self->role_known = TRUE;
  self->dtls_role = role;
  ensure_dtls (self);
}

/* ---- the session's observer --------------------------------------------- */

typedef struct {
  JaIceUdpObserver cb;
  gpointer user_data;
} Observer;

void
ja_ice_udp_set_observer (JaJingleSession *session,
    const JaIceUdpObserver *obs, gpointer user_data)
{
  Observer *o = NULL;

  if (obs != NULL) {
    o = g_new0 (Observer, 1);
    o->cb = *obs;
    o->user_data = user_data;
  }
  g_object_set_data_full (G_OBJECT (session), OBSERVER_KEY, o, g_free);
}

static const Observer *
observer_of (IceUdpTransport *self)
{
  JaJingleSession *session = ja_jingle_content_get_session (
      self->parent.content);

  return session != NULL ? g_object_get_data (G_OBJECT (session),
      OBSERVER_KEY) : NULL;
}

static void
notify_restarted (IceUdpTransport *self, gboolean by_peer, gboolean automatic)
{
  const Observer *o = observer_of (self);

  if (o != NULL && o->cb.restarted != NULL)
    o->cb.restarted (ja_jingle_content_get_session (self->parent.content),
        by_peer, automatic, o->user_data);
}

/* ---- ICE callbacks ------------------------------------------------------ */

static JaXmlNode *
build_element (IceUdpTransport *self, GPtrArray *candidates,
    gboolean with_fingerprint)
{
  g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_new ();

  t->ufrag = g_strdup (ja_ice_agent_get_ufrag (self->ice));
  t->pwd = g_strdup (ja_ice_agent_get_pwd (self->ice));
  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    g_ptr_array_add (t->candidates,
        ja_ice_candidate_copy (g_ptr_array_index (candidates, i)));
  if (with_fingerprint) {
    const char *fp = ja_dtls_cert_get_fingerprint (self->cert);

    t->fingerprint_hash = g_strdup (ja_dtls_cert_get_hash_name (self->cert));
    t->fingerprint = g_strdup (fp);
    /* Test hook: a fingerprint that is not ours (one nibble changed). */
    if (g_strcmp0 (g_getenv ("JINGLE_AGENT_TEST_BAD_FINGERPRINT"), "1") == 0
        && t->fingerprint[0] != '\0')
      t->fingerprint[0] = t->fingerprint[0] == 'A' ? 'B' : 'A';
    t->setup = self->local_setup;
  }
  return ja_ice_udp_transport_build (t);
}

static void
local_candidate_cb (JaIceAgent *agent, const JaIceCandidate *cand,
    gpointer user_data)
{
  IceUdpTransport *self = user_data;
  g_autoptr (GPtrArray) one = NULL;

  /* Candidates gathered before our element went out travel in it. */
  if (!self->announced)
    return;
  one = g_ptr_array_new ();
  g_ptr_array_add (one, (gpointer) cand);
  ja_jingle_content_send_transport_info (self->parent.content,
      build_element (self, one, FALSE));
}

static void
gathering_done_cb (JaIceAgent *agent, gpointer user_data)
{
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  IceUdpTransport *self = user_data;

  self->connect_timeout_id = 0;
  if (!self->ice_connected)
    fail (self, JA_JINGLE_REASON_CONNECTIVITY_ERROR,
        "ICE: no candidate pair worked within %u s",
        JA_ICE_UDP_CONNECT_TIMEOUT_MS / 1000);
  return G_SOURCE_REMOVE;
}

static void
mark_start (IceUdpTransport *self)
{
  if (self->t_start == 0)
    self->t_start = g_get_monotonic_time ();
}

/* The peer's current credentials join the retired ones (at most
 * MAX_RETIRED pairs, the oldest dropped). */
static void
retire_peer_credentials (IceUdpTransport *self)
{
  if (self->peer_ufrag == NULL)
    return;
  if (self->retired == NULL)
    self->retired = g_ptr_array_new_with_free_func (g_free);
  else
    g_ptr_array_set_size (self->retired, self->retired->len - 1);
  if (self->retired->len >= 2 * MAX_RETIRED)
    g_ptr_array_remove_range (self->retired, 0, 2);
  g_ptr_array_add (self->retired, g_steal_pointer (&self->peer_ufrag));
  g_ptr_array_add (self->retired, g_steal_pointer (&self->peer_pwd));
  g_ptr_array_add (self->retired, NULL);
}

/* Our credentials (and the unchanged fingerprint, XEP-0320) in a
 * transport-info of their own; the candidates follow from the agent. */
static void
announce_credentials (IceUdpTransport *self)
{
  if (!self->announced)
    return;        /* they travel in our session-accept */
  ja_jingle_content_send_transport_info (self->parent.content,
      build_element (self, NULL, TRUE));
}

/* RFC 8445 §9: new local ufrag/pwd, the peer's forgotten (it must send
 * new ones), the roles, DTLS association and SRTP keys kept; media goes
 * on over the previous pair until a new one is selected. */
static gboolean
restart_ice (IceUdpTransport *self, gboolean by_peer, gboolean automatic,
    GError **error)
{
  retire_peer_credentials (self);
  if (!ja_ice_agent_restart (self->ice, error))
    return FALSE;
  self->restarts++;
  g_info ("ice-udp %s: ICE restart %s (ufrag %s, generation %u)",
      ja_jingle_content_get_sid (self->parent.content),
      by_peer ? "by the peer" : automatic ? "after connectivity was lost"
      : "asked", ja_ice_agent_get_ufrag (self->ice),
      ja_ice_agent_get_generation (self->ice));
  return TRUE;
}

static gboolean
restart_local (IceUdpTransport *self, gboolean automatic, GError **error)
{
  if (!restart_ice (self, FALSE, automatic, error))
    return FALSE;
  announce_credentials (self);
  notify_restarted (self, FALSE, automatic);
  return TRUE;
}

static gboolean
recovery_timeout_cb (gpointer user_data)
{
  IceUdpTransport *self = user_data;

  self->recovery_id = 0;
  fail (self, JA_JINGLE_REASON_CONNECTIVITY_ERROR,
      "ICE: connectivity lost (no restart brought it back within %u s)",
      JA_ICE_UDP_RECOVERY_MS / 1000);
  return G_SOURCE_REMOVE;
}

/* ICE failed after it had worked (consent freshness expired, RFC 7675):
 * the controlling side restarts once, both wait a bounded time for a pair
 * before the session ends with connectivity-error. */
static void
connectivity_lost (IceUdpTransport *self)
{
  g_autoptr (GError) error = NULL;
  gboolean controlling = ja_ice_agent_get_controlling (self->ice);

  if (self->recovery_id != 0 || self->failed)
    return;              /* already waiting */
  g_info ("ice-udp %s: ICE connectivity lost; %s",
      ja_jingle_content_get_sid (self->parent.content),
      controlling ? "restarting" : "waiting for the peer's restart");
  self->recovery_id = g_timeout_add (JA_ICE_UDP_RECOVERY_MS,
      recovery_timeout_cb, self);
  if (controlling && !restart_local (self, TRUE, &error))
    fail (self, JA_JINGLE_REASON_CONNECTIVITY_ERROR,
        "ICE: connectivity lost and the restart failed: %s", error->message);
}

/* Test hook: as if libnice had reported FAILED (consent lost) now. */
static gboolean
fake_failure_cb (gpointer user_data)
{
  IceUdpTransport *self = user_data;

  self->fake_failure_id = 0;
  g_info ("ice-udp %s: test hook: ICE failure simulated",
      ja_jingle_content_get_sid (self->parent.content));
  connectivity_lost (self);
  return G_SOURCE_REMOVE;
}

static void
arm_fake_failure (IceUdpTransport *self)
{
  const char *env = g_getenv ("JINGLE_AGENT_TEST_ICE_FAIL_AFTER");
  guint64 s = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 0;

  if (s > 0 && s < 3600)
    self->fake_failure_id = g_timeout_add_seconds ((guint) s, fake_failure_cb,
        self);
}

static void
state_changed_cb (JaIceAgent *agent, guint component, JaIceState state,
    gpointer user_data)
{
  IceUdpTransport *self = user_data;

  if (component != 1)
    return;
  if ((state == JA_ICE_STATE_CONNECTED || state == JA_ICE_STATE_READY)
      && self->recovery_id != 0) {
    g_clear_handle_id (&self->recovery_id, g_source_remove);
    g_info ("ice-udp %s: ICE connected again",
        ja_jingle_content_get_sid (self->parent.content));
  }
  if ((state == JA_ICE_STATE_CONNECTED || state == JA_ICE_STATE_READY)
      && !self->ice_connected) {
    self->ice_connected = TRUE;
    mark_start (self);
    self->ice_ms = (guint) ((g_get_monotonic_time () - self->t_start) / 1000);
    g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
    arm_fake_failure (self);
    if (self->dtls != NULL && self->dtls_role == JA_DTLS_ROLE_CLIENT)
      ja_dtls_start (self->dtls);
    feed_early_dtls (self);
  } else if (state == JA_ICE_STATE_FAILED) {
    if (self->ice_connected)
      connectivity_lost (self);
    else
      fail (self, JA_JINGLE_REASON_CONNECTIVITY_ERROR,
          "ICE: every candidate pair failed");
  }
}

static char *
describe_candidate (const JaIceCandidate *c)
{
  gboolean v6 = c->ip != NULL && strchr (c->ip, ':') != NULL;

  return g_strdup_printf ("%s %s%s%s:%u %s", c->protocol ? c->protocol : "udp",
      v6 ? "[" : "", c->ip, v6 ? "]" : "", c->port,
      ja_ice_candidate_type_to_string (c->type));
}

static void
selected_pair_cb (JaIceAgent *agent, guint component,
    const JaIceCandidate *local, const JaIceCandidate *remote,
    gpointer user_data)
{
  IceUdpTransport *self = user_data;

  if (component != 1)
    return;
  g_free (self->local_pair);
  g_free (self->remote_pair);
  self->local_pair = describe_candidate (local);
  self->remote_pair = describe_candidate (remote);
  self->local_type = ja_ice_candidate_type_to_string (local->type);
  /* The first pair is part of "connected"; later ones (after a restart)
   * are news. */
  if (self->ice_connected) {
    const Observer *o = observer_of (self);

    g_info ("ice-udp %s: pair %s <-> %s",
        ja_jingle_content_get_sid (self->parent.content), self->local_pair,
        self->remote_pair);
    if (o != NULL && o->cb.pair != NULL)
      o->cb.pair (ja_jingle_content_get_session (self->parent.content),
          self->local_pair, self->remote_pair, o->user_data);
  }
}

/* A plaintext packet of the leader's transport to the content it is for.
 * Alone, the content gets everything. In a bundle (RFC 8843 §9.2): RTCP to
 * every content; RTP to the one its MID header extension names (and its
 * SSRC is remembered for that content), else to the one that knows its
 * SSRC, else to the first that takes its payload type; contents that
 * gave no keys get what no content claimed. */
static void
deliver (IceUdpTransport *self, guint component, const guint8 *buf, gsize len)
{
  g_autoptr (GBytes) packet = g_bytes_new (buf, len);
  IceUdpTransport *members[16];
  JaRtpDemuxEntry entries[16];
  guint n = 0, n_keyless = 0;
  gboolean learn;
  guint32 ssrc;
  JaRtpDemuxBy by;
  int chosen;

  if (self->followers == NULL || self->followers->len == 0) {
    ja_jingle_channel_deliver (self->channel, component, packet);
    return;
  }
  for (guint i = 0; i <= self->followers->len && n < G_N_ELEMENTS (members);
      i++) {
    IceUdpTransport *m = i == 0 ? self
        : g_ptr_array_index (self->followers, i - 1);

    if (m->channel == NULL)
      continue;
    if (!m->have_demux) {
      n_keyless++;
      continue;
    }
    entries[n] = (JaRtpDemuxEntry) { m->mid, m->mid_ext_id, m->pts,
      m->ssrcs };
    members[n++] = m;
  }
  chosen = ja_rtp_demux_choose (entries, n, buf, len, &learn, &ssrc, &by);
  if (chosen >= 0) {
    if (by == JA_RTP_DEMUX_BY_MID && !members[chosen]->routed_by_mid) {
      members[chosen]->routed_by_mid = TRUE;
      g_info ("ice-udp %s: content %s: RTP routed by its MID",
          ja_jingle_content_get_sid (self->parent.content),
          members[chosen]->mid);
    }
    if (learn) {
      for (guint i = 0; i < n; i++)
        if (members[i]->ssrcs != NULL)
          g_hash_table_remove (members[i]->ssrcs, GUINT_TO_POINTER (ssrc));
      g_hash_table_add (members[chosen]->ssrcs, GUINT_TO_POINTER (ssrc));
      g_info ("ice-udp %s: SSRC %08x is content %s (by its MID)",
          ja_jingle_content_get_sid (self->parent.content), ssrc,
          members[chosen]->mid);
    }
    ja_jingle_channel_deliver (members[chosen]->channel, component, packet);
    return;
  }
  if (!ja_rtp_is_rtcp (buf, len) && n_keyless == 0) {
    self->demux_dropped++;
    return;
  }
  /* RTCP, or RTP no keyed content claimed: every content that may want it
   * (RTCP to all, keyless ones otherwise). */
  for (guint i = 0; i <= self->followers->len; i++) {
    IceUdpTransport *m = i == 0 ? self
        : g_ptr_array_index (self->followers, i - 1);

    if (m->channel != NULL && (ja_rtp_is_rtcp (buf, len) || !m->have_demux))
      ja_jingle_channel_deliver (m->channel, component, packet);
  }
}

static void
receive_cb (JaIceAgent *agent, guint component, const guint8 *data, gsize len,
    gpointer user_data)
{
  IceUdpTransport *self = user_data;
  guint8 buf[MAX_PACKET + JA_SRTP_MAX_TRAILER];

  if (ja_dtls_is_dtls_packet (data, len) && ja_media_loop_in_thread ()) {
    if (g_atomic_int_get (&self->dtls_pending) < MAX_EARLY_PACKETS) {
      g_atomic_int_inc (&self->dtls_pending);
      ja_media_events_push (self->dtls_events, g_bytes_new (data, len));
    }
    return;
  }
  if (ja_dtls_is_dtls_packet (data, len)) {
    /* Not before ICE works on our side too: a server would answer a
     * ClientHello that came ahead of our selected pair (the controlled
     * peer may be connected first — Chromium is) into a path that drops
     * it, and the handshake would wait a whole retransmission (1 s). */
    if (self->dtls != NULL && self->ice_connected) {
      ja_dtls_receive (self->dtls, data, len);
    } else {
      if (self->early == NULL)
        self->early = g_ptr_array_new_with_free_func (
            (GDestroyNotify) g_bytes_unref);
      if (self->early->len < MAX_EARLY_PACKETS)
        g_ptr_array_add (self->early, g_bytes_new (data, len));
    }
    return;
  }
  if (self->srtp == NULL || self->channel == NULL || len > sizeof buf) {
    /* The peer may be keyed (and sending) a moment before our handshake
     * result is delivered: keep a few packets for then. */
    if (len <= sizeof buf && (self->early_media == NULL
            || self->early_media->len < MAX_EARLY_PACKETS)) {
      if (self->early_media == NULL)
        self->early_media = g_ptr_array_new_with_free_func (
            (GDestroyNotify) g_bytes_unref);
      g_ptr_array_add (self->early_media, g_bytes_new (data, len));
    } else {
      self->dropped_before_keys++;
    }
    return;
  }
  memcpy (buf, data, len);
  if (!ja_srtp_unprotect (self->srtp, buf, &len, NULL))
    return;   /* counted in the SRTP stats */
  deliver (self, component, buf, len);
}

static const JaIceCallbacks ice_callbacks = {
  .local_candidate = local_candidate_cb,
  .gathering_done = gathering_done_cb,
  .state_changed = state_changed_cb,
  .selected_pair = selected_pair_cb,
  .receive = receive_cb,
};

/* ---- creation ----------------------------------------------------------- */

static char **
env_addresses (void)
{
  const char *env = g_getenv ("JINGLE_AGENT_ICE_ADDRESSES");

  if (env == NULL || *env == '\0')
    return NULL;
  return g_strsplit (env, ",", -1);
}

static IceUdpTransport *
transport_new (JaJingleContent *c, gboolean controlling, GError **error)
{
  const Options *o = content_options (c);
  IceUdpTransport *self = g_new0 (IceUdpTransport, 1);
  g_auto (GStrv) env = env_addresses ();
  JaIceConfig cfg = { 0 };
  const char *tap = g_getenv ("JINGLE_AGENT_TEST_TAP");

  g_mutex_init (&self->send_lock);
  cfg.controlling = controlling;
  cfg.n_components = 1;            /* rtcp-mux */
  cfg.host_candidates = o != NULL ? o->host_candidates : TRUE;
  cfg.allow_loopback = o != NULL ? o->allow_loopback : FALSE;
  cfg.relay_only = o != NULL ? o->relay_only : FALSE;
  cfg.local_addresses = (const char *const *) (env != NULL ? env
      : o != NULL ? o->local_addresses : NULL);
  if (env != NULL)
    cfg.allow_loopback = TRUE;
  cfg.stun_host = o != NULL ? o->stun_host : NULL;
  cfg.stun_port = o != NULL ? o->stun_port : 0;
  cfg.turn_servers = o != NULL ? o->turn_servers : NULL;

  self->cert = o != NULL && o->cert != NULL ? ja_dtls_cert_ref (o->cert)
      : default_cert (error);
  if (self->cert == NULL) {
    g_free (self);
    return NULL;
  }
  self->ice = ja_ice_agent_new (&cfg, &ice_callbacks, self, error);
  if (self->ice == NULL) {
    ja_dtls_cert_unref (self->cert);
    g_free (self);
    return NULL;
  }
  g_info ("ice-udp %s: content %s: a transport of its own (ICE agent, DTLS)",
      ja_jingle_content_get_sid (c), ja_jingle_content_get_name (c));
  if (g_getenv ("JINGLE_AGENT_TEST_DROP_EVERY") != NULL)
    self->drop_every = (guint) g_ascii_strtoull (
        g_getenv ("JINGLE_AGENT_TEST_DROP_EVERY"), NULL, 10);
  if (g_getenv ("JINGLE_AGENT_TEST_DROP_WINDOW") != NULL) {
    /* "START,LENGTH" in seconds after SRTP is keyed: a one-way outage */
    double from = 0, len = 0;

    if (sscanf (g_getenv ("JINGLE_AGENT_TEST_DROP_WINDOW"), "%lf,%lf", &from,
            &len) == 2 && from >= 0 && len > 0) {
      self->drop_from = (gint64) (from * G_USEC_PER_SEC);
      self->drop_until = self->drop_from + (gint64) (len * G_USEC_PER_SEC);
    }
  }
  if (tap != NULL && *tap != '\0') {
    g_autofree char *p = g_strconcat (tap, ".plain", NULL);
    g_autofree char *w = g_strconcat (tap, ".wire", NULL);

    self->tap_plain = fopen (p, "ab");
    self->tap_wire = fopen (w, "ab");
  }
  return self;
}

static void
ice_udp_free (JaJingleTransport *tp)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;

  if (self->leader != NULL && self->leader->followers != NULL)
    g_ptr_array_remove (self->leader->followers, self);
  for (guint i = 0; self->followers != NULL && i < self->followers->len; i++)
    ((IceUdpTransport *) g_ptr_array_index (self->followers, i))->leader
        = NULL;
  g_clear_pointer (&self->followers, g_ptr_array_unref);
  if (self->parent.content != NULL) {
    JaJingleSession *session = ja_jingle_content_get_session (
        self->parent.content);

    if (session != NULL
        && g_object_get_data (G_OBJECT (session), BUNDLE_KEY) == self)
      g_object_set_data (G_OBJECT (session), BUNDLE_KEY, NULL);
  }
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->recovery_id, g_source_remove);
  g_clear_handle_id (&self->fake_failure_id, g_source_remove);
  media_thread_off (self);
  /* The application may be sending from its media thread (a direct
   * sender): close and free what that uses while it does not run. */
  ja_media_loop_lock ();
  if (self->channel != NULL) {
    ja_jingle_channel_close (self->channel);
    ja_jingle_channel_unref (self->channel);
  }
  g_clear_pointer (&self->dtls, ja_dtls_free);
  g_clear_pointer (&self->ice, ja_ice_agent_free);
  g_clear_pointer (&self->srtp, ja_srtp_free);
  ja_media_loop_unlock ();
  g_mutex_clear (&self->send_lock);
  g_clear_pointer (&self->keys, ja_srtp_keys_free);
  g_clear_pointer (&self->cert, ja_dtls_cert_unref);
  g_clear_pointer (&self->early, g_ptr_array_unref);
  g_clear_pointer (&self->early_media, g_ptr_array_unref);
  g_free (self->remote_hash);
  g_free (self->remote_fingerprint);
  g_free (self->mid);
  g_clear_pointer (&self->ssrcs, g_hash_table_unref);
  g_free (self->local_pair);
  g_free (self->remote_pair);
  g_free (self->peer_ufrag);
  g_free (self->peer_pwd);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  if (self->tap_plain != NULL)
    fclose (self->tap_plain);
  if (self->tap_wire != NULL)
    fclose (self->tap_wire);
  g_free (self);
}

static gboolean
take_credentials (IceUdpTransport *self, const JaIceUdpTransport *t,
    GError **error)
{
  mark_start (self);
  if (!ja_ice_agent_set_remote_credentials (self->ice, t->ufrag, t->pwd,
          error))
    return FALSE;
  g_free (self->peer_ufrag);
  g_free (self->peer_pwd);
  self->peer_ufrag = g_strdup (t->ufrag);
  self->peer_pwd = g_strdup (t->pwd);
  return TRUE;
}

/* The peer's element (initiate, accept or transport-info): credentials
 * (a change is its ICE restart), fingerprint, candidates. */
static gboolean
take_remote (IceUdpTransport *self, const JaIceUdpTransport *t,
    GError **error)
{
  if (t->fingerprint != NULL) {
    if (self->remote_fingerprint != NULL
        && !ja_dtls_fingerprint_equal (self->remote_fingerprint,
            t->fingerprint)) {
      g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
          "the DTLS fingerprint changed within the session");
      return FALSE;
    }
    if (self->remote_fingerprint == NULL) {
      self->remote_hash = g_strdup (t->fingerprint_hash ? t->fingerprint_hash
          : "sha-256");
      self->remote_fingerprint = g_strdup (t->fingerprint);
      if (self->dtls != NULL)
        ja_dtls_set_peer_fingerprint (self->dtls, self->remote_hash,
            self->remote_fingerprint);
    }
  }
  switch (ja_ice_udp_classify_credentials (self->peer_ufrag, self->peer_pwd,
          self->retired != NULL ? (const char *const *) self->retired->pdata
          : NULL, t->ufrag, t->pwd)) {
  case JA_ICE_UDP_CREDS_NONE:
  case JA_ICE_UDP_CREDS_SAME:
    break;
  case JA_ICE_UDP_CREDS_STALE:
    /* Sent before the peer learnt of a restart: its candidates belong to
     * the ICE session that ended. */
    g_debug ("ice-udp %s: stale credentials %s ignored",
        ja_jingle_content_get_sid (self->parent.content), t->ufrag);
    return TRUE;
  case JA_ICE_UDP_CREDS_RESTART:
    /* XEP-0176 §ICE Restarts: the peer restarted; so do we, with new
     * credentials of our own sent back (after its are set, so that our
     * answer is never taken for a restart of ours). */
    if (!ja_ice_credentials_check (t->ufrag, t->pwd, error)
        || !restart_ice (self, TRUE, FALSE, error)
        || !take_credentials (self, t, error))
      return FALSE;
    announce_credentials (self);
    notify_restarted (self, TRUE, FALSE);
    break;
  case JA_ICE_UDP_CREDS_FIRST:
  default:
    if (!take_credentials (self, t, error))
      return FALSE;
    break;
  }
  for (guint i = 0; i < t->candidates->len; i++) {
    g_autoptr (GError) local = NULL;

    /* A refusal is always of the peer's candidate (a component we do not
     * have, an address or port that is none, one too many): the peer's
     * request was bad, not our media (else undefined-condition). */
    if (!ja_ice_agent_add_remote_candidate (self->ice,
            g_ptr_array_index (t->candidates, i), &local)) {
      g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
          local->message);
      return FALSE;
    }
  }
  if (t->end_of_candidates)
    ja_ice_agent_remote_gathering_done (self->ice);
  return TRUE;
}

/* ---- BUNDLE (XEP-0338) ---------------------------------------------------- */

/* The leader this content's transport joins, or NULL: it is in no BUNDLE
 * group (that of its creator: the session's offer, or the content-add that
 * brought it mid-call), or it is the first of the session's (then it
 * becomes the leader, registered on the session). */
static IceUdpTransport *
bundle_leader (JaJingleContent *c)
{
  JaJingleSession *session = ja_jingle_content_get_session (c);

  if (ja_jingle_content_get_bundle_group (c) == NULL)
    return NULL;
  return g_object_get_data (G_OBJECT (session), BUNDLE_KEY);
}

static void
bundle_register (IceUdpTransport *self, JaJingleContent *c)
{
  JaJingleSession *session = ja_jingle_content_get_session (c);

  if (ja_jingle_content_get_bundle_group (c) == NULL
      || g_object_get_data (G_OBJECT (session), BUNDLE_KEY) != NULL)
    return;
  self->followers = g_ptr_array_new ();
  g_object_set_data (G_OBJECT (session), BUNDLE_KEY, self);
}

static JaJingleTransport *
follower_new (JaJingleContent *c, IceUdpTransport *leader)
{
  IceUdpTransport *self = g_new0 (IceUdpTransport, 1);

  g_mutex_init (&self->send_lock);

  /* The bundle's packets are demultiplexed on the creator's context. */
  media_thread_off (leader);
  self->leader = leader;
  self->parent.content = c;
  g_ptr_array_add (leader->followers, self);
  g_info ("ice-udp %s: content %s bundled with %s",
      ja_jingle_content_get_sid (c), ja_jingle_content_get_name (c),
      ja_jingle_content_get_name (leader->parent.content));
  return &self->parent;
}

static JaJingleTransport *
ice_udp_new_local (JaJingleContent *c, guint n_components, GError **error)
{
  gboolean controlling = ja_jingle_content_get_local_role (c)
      == JA_JINGLE_ROLE_INITIATOR;
  IceUdpTransport *leader = bundle_leader (c);
  IceUdpTransport *self;

  if (leader != NULL)
    return follower_new (c, leader);
  self = transport_new (c, controlling, error);
  if (self == NULL)
    return NULL;
  self->parent.content = c;
  bundle_register (self, c);
  self->local_setup = JA_DTLS_SETUP_ACTPASS;
  if (!ja_ice_agent_gather (self->ice, error)) {
    ice_udp_free (&self->parent);
    return NULL;
  }
  return &self->parent;
}

static JaJingleTransport *
ice_udp_new_remote (JaJingleContent *c, const JaXmlNode *node, GError **error)
{
  g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_parse (node, error);
  gboolean controlling = ja_jingle_content_get_local_role (c)
      == JA_JINGLE_ROLE_INITIATOR;
  IceUdpTransport *self;

  if (t == NULL)
    return NULL;
  if (bundle_leader (c) != NULL) {
    IceUdpTransport *leader = bundle_leader (c);

    /* Its transport is the leader's (same ufrag, candidates and
     * fingerprint); what it adds goes there. One added mid-call must not
     * restart the bundle's ICE (RFC 8843 §7.3: it uses the bundle's). */
    if (leader->peer_ufrag != NULL && t->ufrag != NULL
        && g_strcmp0 (leader->peer_ufrag, t->ufrag) != 0) {
      g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
          "content %s joins the BUNDLE with other ICE credentials than "
          "the bundle's", ja_jingle_content_get_name (c));
      return NULL;
    }
    if (!take_remote (leader, t, error))
      return NULL;
    return follower_new (c, leader);
  }
  if (t->fingerprint == NULL) {
    /* XEP-0320: without a fingerprint there is no DTLS-SRTP, and we never
     * send media in the clear. */
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "no DTLS <fingerprint/> in the ICE-UDP transport: unencrypted media "
        "is refused");
    return NULL;
  }
  self = transport_new (c, controlling, error);
  if (self == NULL)
    return NULL;
  self->parent.content = c;
  bundle_register (self, c);
  /* The answer: RFC 5763 §5 — the answerer SHOULD be active; an offer
   * that insists on active makes us passive. */
  if (t->setup == JA_DTLS_SETUP_ACTIVE) {
    self->local_setup = JA_DTLS_SETUP_PASSIVE;
  } else {
    self->local_setup = JA_DTLS_SETUP_ACTIVE;
  }
  if (!take_remote (self, t, error) || !ja_ice_agent_gather (self->ice,
          error)) {
    ice_udp_free (&self->parent);
    return NULL;
  }
  set_role (self, self->local_setup == JA_DTLS_SETUP_ACTIVE
      ? JA_DTLS_ROLE_CLIENT : JA_DTLS_ROLE_SERVER);
  return &self->parent;
}

static JaXmlNode *
ice_udp_build (JaJingleTransport *tp, JaJingleAction action)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;
  g_autoptr (GPtrArray) cands = NULL;

  if (self->leader != NULL) {
    self = self->leader;      /* bundled: the same transport element */
  } else if (self->ice == NULL) {
    g_autoptr (JaIceUdpTransport) empty = ja_ice_udp_transport_new ();

    return ja_ice_udp_transport_build (empty);   /* its leader is gone */
  }
  cands = ja_ice_agent_get_local_candidates (self->ice);
  self->announced = TRUE;
  return build_element (self, cands, TRUE);
}

static gboolean
ice_udp_accept_remote (JaJingleTransport *tp, const JaXmlNode *node,
    GError **error)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;
  g_autoptr (JaIceUdpTransport) t = NULL;

  /* Our own answer echoed back (the peer created the content): nothing
   * to do. */
  if (ja_jingle_content_get_creator (tp->content)
      != ja_jingle_content_get_local_role (tp->content))
    return TRUE;
  if (self->leader != NULL || self->ice == NULL) {
    /* Bundled: the leader's content carries the answer's transport; an
     * answer for this one adds candidates at most. */
    t = node != NULL ? ja_ice_udp_transport_parse (node, error) : NULL;
    if (node != NULL && t == NULL)
      return FALSE;
    return t == NULL || self->leader == NULL
        || take_remote (self->leader, t, error);
  }
  if (node == NULL) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "session-accept without an ICE-UDP transport");
    return FALSE;
  }
  t = ja_ice_udp_transport_parse (node, error);
  if (t == NULL || !take_remote (self, t, error))
    return FALSE;
  if (self->remote_fingerprint == NULL) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "no DTLS <fingerprint/> in the answer: unencrypted media is refused");
    return FALSE;
  }
  /* The responder said active (or nothing, the old default): we serve. */
  set_role (self, t->setup == JA_DTLS_SETUP_PASSIVE ? JA_DTLS_ROLE_CLIENT
      : JA_DTLS_ROLE_SERVER);
  return TRUE;
}

static gboolean
ice_udp_handle_info (JaJingleTransport *tp, const JaXmlNode *node,
    GError **error)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;
  g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_parse (node, error);

  if (t == NULL)
    return FALSE;
  if (self->leader != NULL)
    self = self->leader;
  else if (self->ice == NULL)
    return TRUE;              /* a follower whose leader is gone */
  return take_remote (self, t, error);
}

static void
ice_udp_connect (JaJingleTransport *tp)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;

  if (self->ice == NULL) {
    /* A follower: ready when its leader is (or already). */
    IceUdpTransport *l = self->leader;

    if (l != NULL && l->channel != NULL) {
      if (self->channel == NULL)
        self->channel = ja_jingle_channel_new_datagram (&channel_ops, self,
            NULL);
      ja_jingle_content_transport_ready (tp->content, self->channel);
    }
    return;
  }
  mark_start (self);
  if (!self->ice_connected && self->connect_timeout_id == 0)
    self->connect_timeout_id = g_timeout_add (JA_ICE_UDP_CONNECT_TIMEOUT_MS,
        connect_timeout_cb, self);
  ensure_dtls (self);
}

const JaJingleTransportKind ja_ice_udp_transport_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = JA_NS_JINGLE_ICE_UDP,
  .flavor = JA_JINGLE_FLAVOR_DATAGRAM,
  .priority = 10,
  .new_local = ice_udp_new_local,
  .new_remote = ice_udp_new_remote,
  .free = ice_udp_free,
  .build = ice_udp_build,
  .accept_remote = ice_udp_accept_remote,
  .handle_info = ice_udp_handle_info,
  .connect = ice_udp_connect,
};

/* ---- restart ------------------------------------------------------------ */

gboolean
ja_ice_udp_restart (JaJingleSession *session, GError **error)
{
  guint n = 0;

  for (guint i = 0; i < ja_jingle_session_get_n_contents (session); i++) {
    JaJingleTransport *tp = ja_jingle_content_get_transport (
        ja_jingle_session_get_content (session, i));
    IceUdpTransport *self = (IceUdpTransport *) tp;

    /* Bundle followers ride on their leader's agent. */
    if (tp == NULL || tp->kind != &ja_ice_udp_transport_kind
        || self->ice == NULL || self->failed)
      continue;
    if (!self->announced) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
          "ICE restart: our transport was not sent yet");
      return FALSE;
    }
    if (!restart_local (self, FALSE, error))
      return FALSE;
    n++;
  }
  if (n == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
        "ICE restart: the session has no ICE-UDP transport");
    return FALSE;
  }
  return TRUE;
}

/* ---- info --------------------------------------------------------------- */

gboolean
ja_ice_udp_transport_get_info (JaJingleTransport *tp, JaIceUdpInfo *info)
{
  IceUdpTransport *self = (IceUdpTransport *) tp;

  memset (info, 0, sizeof *info);
  if (tp == NULL || tp->kind != &ja_ice_udp_transport_kind)
    return FALSE;
  if (self->leader != NULL)
    self = self->leader;
  info->bundle_size = self->followers != NULL ? 1 + self->followers->len : 1;
  info->ice_restarts = self->restarts;
  info->ice_generation = self->ice != NULL
      ? ja_ice_agent_get_generation (self->ice) : 0;
  info->ice_connected = self->ice_connected;
  info->secured = self->srtp != NULL;
  info->secured_at = self->secured_at;
  info->ice_ms = self->ice_ms;
  info->dtls_ms = self->dtls != NULL ? ja_dtls_get_handshake_ms (self->dtls)
      : 0;
  info->local_candidate = g_strdup (self->local_pair);
  info->remote_candidate = g_strdup (self->remote_pair);
  info->local_type = self->local_type;
  info->srtp_profile = self->keys != NULL
      ? ja_srtp_profile_to_string (self->keys->profile) : NULL;
  info->dtls_role = !self->role_known ? NULL
      : self->dtls_role == JA_DTLS_ROLE_CLIENT ? "client" : "server";
  if (self->srtp != NULL)
    ja_srtp_get_stats (self->srtp, &info->srtp);   /* atomic counters */
  info->media_thread = self->on_media_thread;
  return TRUE;
}

void
ja_ice_udp_info_clear (JaIceUdpInfo *info)
{
  g_clear_pointer (&info->local_candidate, g_free);
  g_clear_pointer (&info->remote_candidate, g_free);
}
