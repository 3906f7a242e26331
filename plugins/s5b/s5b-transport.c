/* s5b-transport.c — XEP-0260 Jingle SOCKS5 Bytestreams Transport Method.
 *
 * Each side offers its candidates in session-initiate / session-accept
 * (§2.2): one listener (s5b-socket.h) behind every usable local address
 * (type direct), and the proxy65 streamhosts given with
 * ja_s5b_transport_set_proxies (type proxy). Once connect() runs, we try
 * all the peer's candidates at once — with DST.ADDR SHA1(sid + offerer +
 * other), XEP-0260 §2.2 note — while the peer tries ours, and report the
 * highest-priority one that connected (§2.3) as soon as nothing better is
 * pending (a better one still handshaking gets a grace of 0.2–2 s, so a
 * candidate that never answers costs that, not a connect timeout), or
 * candidate-error when all failed. When both
 * reports are in, ja_s5b_nominate() applies §2.4. A proxy winner is
 * activated by the side that offered it (XEP-0065 §6.3.3), which then sends
 * <activated/>. Nothing usable: the initiator fails the transport and the
 * engine replaces it (§3). */
#include "plugins/s5b/s5b-transport.h"

#include <string.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <gnutls/crypto.h>

#include "plugins/s5b/s5b-candidate.h"
#include "plugins/s5b/s5b-socket.h"
#include "plugins/s5b/socks5.h"
#include "signalling/jingle/jingle-content.h"
#include "signalling/jingle/jingle-session.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/xmpp-error.h"

#define OPTIONS_KEY "ja-s5b-options"
/* Once a candidate connected, how long better (higher priority) ones still
 * connecting may take before the best connected one is reported: twice
 * what that success took (a far network is slower for all), within these
 * bounds — enough for a loopback or LAN handshake, far below a connect
 * timeout. */
#define GRACE_MIN_MS 200
#define GRACE_MAX_MS 2000
#define MAX_LOCAL_ADDRESSES 8

typedef struct {
  gboolean no_direct;
  gboolean no_proxy;
  gboolean no_fallback;
  GPtrArray *proxies;          /* JaS5bProxy* */
} Options;

/* Our try of one of the peer's candidates; all run at once (§2.3). */
typedef enum {
  ATTEMPT_SKIPPED,             /* not tried (--no-direct / --no-proxy) */
  ATTEMPT_PENDING,
  ATTEMPT_CONNECTED,
  ATTEMPT_FAILED,
} AttemptState;

typedef struct {
  AttemptState state;
  GCancellable *cancellable;
  GIOStream *conn;             /* CONNECTED: the SOCKS5 stream, unused yet */
} Attempt;

typedef struct {
  JaJingleTransport parent;
  char *sid;
  char *local_dst;             /* SHA1(sid + us + peer): our candidates */
  char *remote_dst;            /* SHA1(sid + peer + us): theirs */
  char *remote_dstaddr;        /* the peer's 'dstaddr', nullable */
  GPtrArray *local;            /* JaS5bCandidate* */
  GPtrArray *remote;           /* JaS5bCandidate*, highest priority first */
  Options opts;                /* copied at creation (proxies borrowed: NULL) */
  JaS5bListener *listener;
  GCancellable *cancellable;   /* every pending operation */
  Attempt *attempts;           /* one per remote candidate, same order */
  guint n_attempts;
  guint grace_id;              /* waiting for better candidates */
  gint64 t_attempts;           /* when they started */
  gboolean started;
  gboolean local_done;         /* we sent candidate-used / -error */
  JaS5bCandidate *local_used;  /* borrowed from remote */
  gboolean remote_done;
  JaS5bCandidate *remote_used; /* borrowed from local */
  gboolean nominated;
  gboolean wait_incoming;
  gboolean wait_activated;
  gboolean finished;
  GIOStream *in_conn;          /* the peer on our listener */
  GIOStream *out_conn;         /* us on the peer's candidate */
  const char *type;            /* of the candidate in use */
  guint timeout_id;
} S5bTransport;

/* ---- options ------------------------------------------------------------ */

static void
options_free (gpointer data)
{
  Options *o = data;

  g_clear_pointer (&o->proxies, g_ptr_array_unref);
  g_free (o);
}

static Options *
ensure_options (JaXmppStream *stream)
{
  Options *o = g_object_get_data (G_OBJECT (stream), OPTIONS_KEY);

  if (o == NULL) {
    o = g_new0 (Options, 1);
    g_object_set_data_full (G_OBJECT (stream), OPTIONS_KEY, o, options_free);
  }
  return o;
}

void
ja_s5b_transport_set_options (JaXmppStream *stream, gboolean no_direct,
    gboolean no_proxy, gboolean no_fallback)
{
  Options *o = ensure_options (stream);

  o->no_direct = no_direct;
  o->no_proxy = no_proxy;
  o->no_fallback = no_fallback;
}

void
ja_s5b_transport_set_proxies (JaXmppStream *stream, const GPtrArray *proxies)
{
  Options *o = ensure_options (stream);

  g_clear_pointer (&o->proxies, g_ptr_array_unref);
  o->proxies = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_s5b_proxy_free);
  for (guint i = 0; proxies != NULL && i < proxies->len; i++) {
    const JaS5bProxy *p = g_ptr_array_index (proxies, i);
    JaS5bProxy *copy = g_new0 (JaS5bProxy, 1);

    copy->jid = g_strdup (p->jid);
    copy->host = g_strdup (p->host);
    copy->port = p->port;
    g_ptr_array_add (o->proxies, copy);
  }
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

const char *
ja_s5b_transport_get_candidate_type (JaJingleTransport *tp)
{
  if (tp == NULL || tp->kind != &ja_s5b_transport_kind)
    return NULL;
  return ((S5bTransport *) tp)->type;
}

/* ---- local candidates --------------------------------------------------- */

static char *
random_id (const char *prefix)
{
  guint8 raw[10];
  GString *s = g_string_new (prefix);

  if (gnutls_rnd (GNUTLS_RND_NONCE, raw, sizeof raw) != 0)
    for (gsize i = 0; i < sizeof raw; i++)
      raw[i] = (guint8) g_random_int ();
  for (gsize i = 0; i < sizeof raw; i++)
    g_string_append_printf (s, "%02x", raw[i]);
  return g_string_free (s, FALSE);
}

static gboolean
env_on (const char *name)
{
  return g_strcmp0 (g_getenv (name), "1") == 0;
}

/* JINGLE_AGENT_S5B_ADDRESSES=ADDR[,ADDR…]: offer exactly these direct
 * addresses (interop testing; the test suite pins 127.0.0.1 so that no
 * test traffic leaves loopback). NULL when unset or when none parses. */
static GPtrArray *
configured_addresses (void)
{
  const char *env = g_getenv ("JINGLE_AGENT_S5B_ADDRESSES");
  g_auto (GStrv) parts = NULL;
  GPtrArray *out;

  if (env == NULL || env[0] == '\0')
    return NULL;
  parts = g_strsplit (env, ",", -1);
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; parts[i] != NULL && out->len < MAX_LOCAL_ADDRESSES; i++) {
    const char *addr = g_strstrip (parts[i]);

    if (g_hostname_is_ip_address (addr))
      g_ptr_array_add (out, g_strdup (addr));
  }
  if (out->len == 0)
    g_clear_pointer (&out, g_ptr_array_unref);
  return out;
}

/* The addresses worth offering: IPv4 and global IPv6 of interfaces that are
 * up; loopback only when asked or when there is nothing else. */
static GPtrArray *
local_addresses (void)
{
  GPtrArray *out = configured_addresses ();
  struct ifaddrs *ifa = NULL;

  if (out != NULL)
    return out;
  out = g_ptr_array_new_with_free_func (g_free);
  if (getifaddrs (&ifa) == 0) {
    for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
      g_autoptr (GInetAddress) a = NULL;

      if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP)
          || (i->ifa_flags & IFF_LOOPBACK))
        continue;
      if (i->ifa_addr->sa_family == AF_INET)
        a = g_inet_address_new_from_bytes ((const guint8 *)
            &((struct sockaddr_in *) i->ifa_addr)->sin_addr,
            G_SOCKET_FAMILY_IPV4);
      else if (i->ifa_addr->sa_family == AF_INET6)
        a = g_inet_address_new_from_bytes ((const guint8 *)
            &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr,
            G_SOCKET_FAMILY_IPV6);
      if (a == NULL || g_inet_address_get_is_link_local (a)
          || g_inet_address_get_is_loopback (a))
        continue;
      if (out->len < MAX_LOCAL_ADDRESSES)
        g_ptr_array_add (out, g_inet_address_to_string (a));
    }
    freeifaddrs (ifa);
  }
  if (out->len == 0 || env_on ("JINGLE_AGENT_S5B_LOOPBACK"))
    g_ptr_array_add (out, g_strdup ("127.0.0.1"));
  return out;
}

/* A port nobody listens on (test hook). */
static guint16
dead_port (void)
{
  g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (
      G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  guint16 port = 9;

  if (s != NULL && g_socket_bind (s, any, FALSE, NULL)
      && (bound = g_socket_get_local_address (s, NULL)) != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return port;
}

static void accept_cb (GIOStream *conn, gpointer user_data);

/* Test hook: JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE=IP:PORT is offered as
 * our best direct candidate (a blackhole in the tests, to show that it
 * does not hold up the others). */
static gboolean
extra_candidate (char **host, guint16 *port)
{
  const char *env = g_getenv ("JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE");
  const char *colon = env != NULL ? strrchr (env, ':') : NULL;
  guint64 p;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1,
          G_MAXUINT16, &p, NULL))
    return FALSE;
  *host = g_strndup (env, colon - env);
  *port = (guint16) p;
  return g_hostname_is_ip_address (*host);
}

/* Our candidates: the listener's addresses, then the proxies. Needs both
 * JIDs (a content without signalling, as in unit tests, offers none). */
static gboolean
gather (S5bTransport *self, JaJingleContent *c, GError **error)
{
  JaJingleSignalling *sig = c != NULL ? ja_jingle_content_get_signalling (c)
      : NULL;
  const char *me = sig != NULL ? ja_jingle_signalling_get_own_jid (sig) : NULL;
  const char *peer = c != NULL ? ja_jingle_content_get_peer (c) : NULL;
  const Options *o = content_options (c);
  guint16 pref = G_MAXUINT16;

  if (o != NULL) {
    self->opts.no_direct = o->no_direct;
    self->opts.no_proxy = o->no_proxy;
    self->opts.no_fallback = o->no_fallback;
  }
  if (me == NULL || peer == NULL)
    return TRUE;
  self->local_dst = ja_socks5_dst_addr (self->sid, me, peer);
  self->remote_dst = ja_socks5_dst_addr (self->sid, peer, me);
  if (!self->opts.no_direct) {
    g_autoptr (GPtrArray) addrs = local_addresses ();
    guint16 port;

    self->listener = ja_s5b_listener_new (self->local_dst, accept_cb, self,
        error);
    if (self->listener == NULL)
      return FALSE;
    port = env_on ("JINGLE_AGENT_TEST_S5B_UNREACHABLE") ? dead_port ()
        : ja_s5b_listener_get_port (self->listener);
    {
      g_autofree char *xhost = NULL;
      g_autofree char *cid = random_id ("x");
      guint16 xport;

      if (extra_candidate (&xhost, &xport))
        g_ptr_array_add (self->local, ja_s5b_candidate_new (cid, xhost, xport,
                me, JA_S5B_CANDIDATE_DIRECT, ja_s5b_candidate_priority (
                    JA_S5B_CANDIDATE_DIRECT, pref--)));
    }
    for (guint i = 0; i < addrs->len; i++) {
      g_autofree char *cid = random_id ("c");

      g_ptr_array_add (self->local, ja_s5b_candidate_new (cid,
              g_ptr_array_index (addrs, i), port, me,
              JA_S5B_CANDIDATE_DIRECT, ja_s5b_candidate_priority (
                  JA_S5B_CANDIDATE_DIRECT, pref--)));
    }
  }
  for (guint i = 0; !self->opts.no_proxy && o != NULL && o->proxies != NULL
      && i < o->proxies->len; i++) {
    const JaS5bProxy *p = g_ptr_array_index (o->proxies, i);
    g_autofree char *cid = random_id ("p");

    g_ptr_array_add (self->local, ja_s5b_candidate_new (cid, p->host,
            p->port, p->jid, JA_S5B_CANDIDATE_PROXY,
            ja_s5b_candidate_priority (JA_S5B_CANDIDATE_PROXY,
                (guint16) (G_MAXUINT16 - i))));
  }
  return TRUE;
}

static S5bTransport *
transport_new (const char *sid)
{
  S5bTransport *self = g_new0 (S5bTransport, 1);

  self->sid = g_strdup (sid);
  self->local = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_s5b_candidate_free);
  self->remote = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_s5b_candidate_free);
  self->cancellable = g_cancellable_new ();
  return self;
}

static void s5b_free (JaJingleTransport *tp);

static JaJingleTransport *
s5b_new_local (JaJingleContent *c, guint n_components, GError **error)
{
  g_autofree char *sid = random_id ("s5b-");
  S5bTransport *self = transport_new (sid);

  self->parent.content = c;
  if (!gather (self, c, error)) {
    s5b_free (&self->parent);
    return NULL;
  }
  return &self->parent;
}

static void
take_remote (S5bTransport *self, JaS5bOffer *offer)
{
  g_free (self->remote_dstaddr);
  self->remote_dstaddr = g_steal_pointer (&offer->dstaddr);
  g_ptr_array_unref (self->remote);
  self->remote = g_steal_pointer (&offer->candidates);
}

static JaJingleTransport *
s5b_new_remote (JaJingleContent *c, const JaXmlNode *transport,
    GError **error)
{
  g_autoptr (JaS5bOffer) offer = ja_s5b_offer_parse (transport, error);
  S5bTransport *self;

  if (offer == NULL)
    return NULL;
  self = transport_new (offer->sid);
  self->parent.content = c;
  take_remote (self, offer);
  if (!gather (self, c, error)) {
    s5b_free (&self->parent);
    return NULL;
  }
  return &self->parent;
}

static void
close_conn (GIOStream **conn)
{
  if (*conn != NULL)
    g_io_stream_close (*conn, NULL, NULL);
  g_clear_object (conn);
}

/* Cancels every attempt but keep (-1: all) and closes what they
 * connected. */
static void
drop_attempts (S5bTransport *self, gint keep)
{
  for (guint i = 0; i < self->n_attempts; i++) {
    Attempt *a = &self->attempts[i];

    if ((gint) i == keep)
      continue;
    if (a->cancellable != NULL)
      g_cancellable_cancel (a->cancellable);
    g_clear_object (&a->cancellable);
    close_conn (&a->conn);
    if (a->state == ATTEMPT_PENDING)
      a->state = ATTEMPT_FAILED;
  }
}

static void
s5b_free (JaJingleTransport *tp)
{
  S5bTransport *self = (S5bTransport *) tp;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  drop_attempts (self, -1);
  g_free (self->attempts);
  g_clear_pointer (&self->listener, ja_s5b_listener_free);
  close_conn (&self->in_conn);
  close_conn (&self->out_conn);
  g_ptr_array_unref (self->local);
  g_ptr_array_unref (self->remote);
  g_free (self->sid);
  g_free (self->local_dst);
  g_free (self->remote_dst);
  g_free (self->remote_dstaddr);
  g_free (self);
}

static gboolean
has_proxy (GPtrArray *cands)
{
  for (guint i = 0; i < cands->len; i++)
    if (((JaS5bCandidate *) g_ptr_array_index (cands, i))->type
        == JA_S5B_CANDIDATE_PROXY)
      return TRUE;
  return FALSE;
}

static JaXmlNode *
s5b_build (JaJingleTransport *tp, JaJingleAction action)
{
  S5bTransport *self = (S5bTransport *) tp;

  return ja_s5b_offer_build (self->sid,
      has_proxy (self->local) ? self->local_dst : NULL, self->local);
}

static gboolean
s5b_accept_remote (JaJingleTransport *tp, const JaXmlNode *transport,
    GError **error)
{
  S5bTransport *self = (S5bTransport *) tp;
  g_autoptr (JaS5bOffer) offer = NULL;

  if (transport == NULL)
    return TRUE;     /* no candidates from the peer */
  offer = ja_s5b_offer_parse (transport, error);
  if (offer == NULL)
    return FALSE;
  if (!g_str_equal (offer->sid, self->sid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b transport answered with sid %s instead of %s", offer->sid,
        self->sid);
    return FALSE;
  }
  take_remote (self, offer);
  return TRUE;
}

/* ---- the end of the negotiation ------------------------------------------ */

static void
send_info (S5bTransport *self, JaS5bInfoKind kind, const char *cid)
{
  ja_jingle_content_send_transport_info (self->parent.content,
      ja_s5b_info_build (self->sid, kind, cid));
}

static gboolean
is_initiator (S5bTransport *self)
{
  return ja_jingle_content_get_local_role (self->parent.content)
      == JA_JINGLE_ROLE_INITIATOR;
}

static void
stop_everything (S5bTransport *self)
{
  self->finished = TRUE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  drop_attempts (self, -1);
  g_clear_pointer (&self->listener, ja_s5b_listener_free);
}

static void
fail (S5bTransport *self, const char *why)
{
  JaJingleContent *c = self->parent.content;
  g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
      "SOCKS5 bytestream: %s", why);

  if (self->finished)
    return;
  stop_everything (self);
  close_conn (&self->in_conn);
  close_conn (&self->out_conn);
  if (self->opts.no_fallback) {
    g_info ("content %s/%s: %s (no fallback)", ja_jingle_content_get_sid (c),
        ja_jingle_content_get_name (c), error->message);
    ja_jingle_session_terminate (ja_jingle_content_get_session (c),
        JA_JINGLE_REASON_FAILED_TRANSPORT, error->message);
    return;
  }
  ja_jingle_content_transport_failed (c, error);
}

static void
ready (S5bTransport *self, GIOStream **conn, JaS5bCandidateType type)
{
  JaJingleContent *c = self->parent.content;
  g_autoptr (GIOStream) stream = g_steal_pointer (conn);
  g_autoptr (JaJingleChannel) channel = NULL;

  stop_everything (self);
  close_conn (&self->in_conn);
  close_conn (&self->out_conn);
  self->type = type == JA_S5B_CANDIDATE_PROXY ? "proxy" : "direct";
  g_info ("content %s/%s: SOCKS5 bytestream %s up (%s candidate)",
      ja_jingle_content_get_sid (c), ja_jingle_content_get_name (c),
      self->sid, self->type);
  channel = ja_jingle_channel_new_stream (stream);
  ja_jingle_content_transport_ready (c, channel);
}

static void activate_proxy (S5bTransport *self);

/* §2.4, once both sides reported. */
static void
evaluate (S5bTransport *self)
{
  JaS5bNomination n;

  if (!self->local_done || !self->remote_done || self->nominated
      || self->finished)
    return;
  self->nominated = TRUE;
  n = ja_s5b_nominate (self->local_used, self->remote_used,
      is_initiator (self));
  switch (n) {
    case JA_S5B_NOMINATED_NONE:
      /* §3: the initiator replaces the transport; the responder waits. */
      if (is_initiator (self))
        fail (self, "no candidate connected on either side");
      else
        stop_everything (self);
      break;
    case JA_S5B_NOMINATED_REMOTE:
      close_conn (&self->in_conn);
      if (self->local_used->type == JA_S5B_CANDIDATE_PROXY)
        self->wait_activated = TRUE;   /* the offerer activates it */
      else
        ready (self, &self->out_conn, self->local_used->type);
      break;
    case JA_S5B_NOMINATED_LOCAL:
    default:
      close_conn (&self->out_conn);
      if (self->remote_used->type == JA_S5B_CANDIDATE_PROXY)
        activate_proxy (self);
      else if (self->in_conn != NULL)
        ready (self, &self->in_conn, self->remote_used->type);
      else
        self->wait_incoming = TRUE;    /* its handshake is still finishing */
      break;
  }
}

/* A connection on our listener that asked for our destination address. */
static void
accept_cb (GIOStream *conn, gpointer user_data)
{
  S5bTransport *self = user_data;
  g_autoptr (GIOStream) owned = conn;

  if (self->finished || self->in_conn != NULL) {
    g_io_stream_close (owned, NULL, NULL);
    return;
  }
  self->in_conn = g_steal_pointer (&owned);
  if (self->wait_incoming)
    ready (self, &self->in_conn, self->remote_used->type);
}

/* ---- trying the peer's candidates --------------------------------------- */

typedef struct {
  JaJingleContent *content;    /* valid while cancellable is not cancelled */
  GCancellable *cancellable;
  guint index;                 /* attempts: which one */
} Ctx;

static Ctx *
ctx_new (S5bTransport *self)
{
  Ctx *ctx = g_new0 (Ctx, 1);

  ctx->content = self->parent.content;
  ctx->cancellable = g_object_ref (self->cancellable);
  return ctx;
}

static void
ctx_free (Ctx *ctx)
{
  g_object_unref (ctx->cancellable);
  g_free (ctx);
}

/* The transport of a context, or NULL when it is gone. */
static S5bTransport *
ctx_transport (Ctx *ctx)
{
  JaJingleTransport *tp;

  if (g_cancellable_is_cancelled (ctx->cancellable))
    return NULL;
  tp = ja_jingle_content_get_transport (ctx->content);
  return tp != NULL && tp->kind == &ja_s5b_transport_kind
      ? (S5bTransport *) tp : NULL;
}

static void
local_report (S5bTransport *self, JaS5bCandidate *used)
{
  self->local_done = TRUE;
  self->local_used = used;
  if (used != NULL)
    send_info (self, JA_S5B_INFO_CANDIDATE_USED, used->cid);
  else
    send_info (self, JA_S5B_INFO_CANDIDATE_ERROR, NULL);
  evaluate (self);
}

/* Could a still-pending attempt on cand change the outcome? Not when the
 * peer already reported a candidate of ours that beats it (§2.4: higher
 * priority wins, a tie goes to the initiator's choice). */
static gboolean
still_matters (S5bTransport *self, const JaS5bCandidate *cand)
{
  const JaS5bCandidate *theirs = self->remote_used;

  if (!self->remote_done || theirs == NULL)
    return TRUE;
  if (cand->priority != theirs->priority)
    return cand->priority > theirs->priority;
  return is_initiator (self);
}

static gboolean grace_cb (gpointer user_data);

/* Twice the time since the attempts started, within the bounds. */
static guint
grace_ms (S5bTransport *self)
{
  gint64 took = (g_get_monotonic_time () - self->t_attempts) / 1000;

  return (guint) CLAMP (2 * took, GRACE_MIN_MS, GRACE_MAX_MS);
}

/* §2.3 with every attempt running at once: report the highest-priority
 * candidate that connected once nothing better that still matters is
 * pending (or, after the grace, whatever is pending); candidate-error once
 * every attempt that matters failed. */
static void
decide (S5bTransport *self, gboolean grace_over)
{
  gint best = -1;
  gboolean better_pending = FALSE;

  if (self->local_done || self->finished || !self->started)
    return;
  /* Remote candidates are sorted by priority, highest first. */
  for (guint i = 0; i < self->n_attempts && best < 0; i++) {
    Attempt *a = &self->attempts[i];

    if (a->state == ATTEMPT_CONNECTED)
      best = (gint) i;
    else if (a->state == ATTEMPT_PENDING
        && still_matters (self, g_ptr_array_index (self->remote, i)))
      better_pending = TRUE;
  }
  if (better_pending && !(best >= 0 && grace_over)) {
    if (best >= 0 && self->grace_id == 0)
      self->grace_id = g_timeout_add (grace_ms (self), grace_cb, self);
    return;
  }
  g_clear_handle_id (&self->grace_id, g_source_remove);
  drop_attempts (self, best);
  if (best < 0) {
    local_report (self, NULL);
    return;
  }
  self->out_conn = g_steal_pointer (&self->attempts[best].conn);
  g_clear_object (&self->attempts[best].cancellable);
  local_report (self, g_ptr_array_index (self->remote, best));
}

static gboolean
grace_cb (gpointer user_data)
{
  S5bTransport *self = user_data;

  self->grace_id = 0;
  decide (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
attempt_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Ctx *ctx = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GIOStream) conn = ja_s5b_connect_finish (res, &error);
  S5bTransport *self = ctx_transport (ctx);
  guint i = ctx->index;
  Attempt *a;
  JaS5bCandidate *cand;

  ctx_free (ctx);
  if (self == NULL || self->finished || i >= self->n_attempts
      || self->attempts[i].state != ATTEMPT_PENDING) {
    if (conn != NULL)
      g_io_stream_close (conn, NULL, NULL);
    return;
  }
  a = &self->attempts[i];
  cand = g_ptr_array_index (self->remote, i);
  g_clear_object (&a->cancellable);
  if (conn == NULL) {
    g_debug ("s5b %s: candidate %s (%s:%u) failed: %s", self->sid, cand->cid,
        cand->host, cand->port, error->message);
    a->state = ATTEMPT_FAILED;
  } else {
    g_debug ("s5b %s: candidate %s (%s:%u) connected", self->sid, cand->cid,
        cand->host, cand->port);
    a->state = ATTEMPT_CONNECTED;
    a->conn = g_steal_pointer (&conn);
  }
  decide (self, FALSE);
}

static gboolean
usable (S5bTransport *self, const JaS5bCandidate *cand)
{
  if (cand->type == JA_S5B_CANDIDATE_PROXY)
    return !self->opts.no_proxy;
  return !self->opts.no_direct;
}

/* Tries every usable candidate of the peer at once. */
static void
start_attempts (S5bTransport *self)
{
  self->n_attempts = self->remote->len;
  self->t_attempts = g_get_monotonic_time ();
  self->attempts = g_new0 (Attempt, self->n_attempts);
  for (guint i = 0; i < self->n_attempts; i++) {
    JaS5bCandidate *cand = g_ptr_array_index (self->remote, i);
    Attempt *a = &self->attempts[i];
    const char *dst;
    Ctx *ctx;

    if (!usable (self, cand) || self->remote_dst == NULL) {
      a->state = ATTEMPT_SKIPPED;
      continue;
    }
    /* The peer's own value for a proxy it shares (XEP-0260 §2.2). */
    dst = cand->type == JA_S5B_CANDIDATE_PROXY && self->remote_dstaddr != NULL
        ? self->remote_dstaddr : self->remote_dst;
    a->state = ATTEMPT_PENDING;
    a->cancellable = g_cancellable_new ();
    ctx = ctx_new (self);
    ctx->index = i;
    ja_s5b_connect_async (cand->host, cand->port, dst, a->cancellable,
        attempt_cb, ctx);
  }
  decide (self, FALSE);
}

static gboolean
timeout_cb (gpointer user_data)
{
  S5bTransport *self = user_data;

  self->timeout_id = 0;
  fail (self, "candidate negotiation timed out");
  return G_SOURCE_REMOVE;
}

static void
s5b_connect (JaJingleTransport *tp)
{
  S5bTransport *self = (S5bTransport *) tp;

  if (self->started)
    return;
  self->started = TRUE;
  self->timeout_id = g_timeout_add (JA_S5B_TRANSPORT_TIMEOUT_MS, timeout_cb,
      self);
  start_attempts (self);
}

/* ---- proxy activation (XEP-0065 §6.3.3) --------------------------------- */

static void
activated_cb (const JaXmlNode *result, const GError *error,
    gpointer user_data)
{
  Ctx *ctx = user_data;
  S5bTransport *self = ctx_transport (ctx);

  ctx_free (ctx);
  if (self == NULL || self->finished)
    return;
  if (error != NULL) {
    g_debug ("s5b %s: proxy activation failed: %s", self->sid,
        error->message);
    send_info (self, JA_S5B_INFO_PROXY_ERROR, NULL);
    fail (self, "the proxy refused to activate the bytestream");
    return;
  }
  send_info (self, JA_S5B_INFO_ACTIVATED, self->remote_used->cid);
  ready (self, &self->in_conn, JA_S5B_CANDIDATE_PROXY);
}

static void
proxy_connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Ctx *ctx = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GIOStream) conn = ja_s5b_connect_finish (res, &error);
  S5bTransport *self = ctx_transport (ctx);
  JaXmlNode *iq, *query;

  if (self == NULL || self->finished) {
    if (conn != NULL)
      g_io_stream_close (conn, NULL, NULL);
    ctx_free (ctx);
    return;
  }
  if (conn == NULL) {
    g_debug ("s5b %s: proxy %s: %s", self->sid, self->remote_used->jid,
        error->message);
    ctx_free (ctx);
    send_info (self, JA_S5B_INFO_PROXY_ERROR, NULL);
    fail (self, "cannot connect to our proxy");
    return;
  }
  /* Our connection to the proxy waits in in_conn until activated. */
  close_conn (&self->in_conn);
  self->in_conn = g_steal_pointer (&conn);
  iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", self->remote_used->jid);
  query = ja_xml_node_add_new (iq, "query", JA_NS_BYTESTREAMS);
  ja_xml_node_set_attr (query, "sid", self->sid);
  ja_xml_node_set_text (ja_xml_node_add_new (query, "activate",
          JA_NS_BYTESTREAMS), ja_jingle_content_get_peer (ctx->content));
  ja_jingle_signalling_send_iq (ja_jingle_content_get_signalling (
          ctx->content), iq, activated_cb, ctx);
}

static void
activate_proxy (S5bTransport *self)
{
  JaS5bCandidate *proxy = self->remote_used;

  ja_s5b_connect_async (proxy->host, proxy->port, self->local_dst,
      self->cancellable, proxy_connected_cb, ctx_new (self));
}

/* ---- transport-info ------------------------------------------------------ */

static JaS5bCandidate *
find (GPtrArray *cands, const char *cid)
{
  for (guint i = 0; i < cands->len; i++) {
    JaS5bCandidate *c = g_ptr_array_index (cands, i);

    if (g_str_equal (c->cid, cid))
      return c;
  }
  return NULL;
}

static gboolean
s5b_handle_info (JaJingleTransport *tp, const JaXmlNode *transport,
    GError **error)
{
  S5bTransport *self = (S5bTransport *) tp;
  g_autofree char *sid = NULL;
  g_autofree char *cid = NULL;
  JaS5bInfoKind kind;
  JaS5bCandidate *cand = NULL;

  if (!ja_s5b_info_parse (transport, &kind, &sid, &cid, error))
    return FALSE;
  if (!g_str_equal (sid, self->sid)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "s5b transport-info for sid %s, not %s", sid, self->sid);
    return FALSE;
  }
  if (kind == JA_S5B_INFO_CANDIDATE_USED
      && (cand = find (self->local, cid)) == NULL) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND,
        "s5b candidate-used names no candidate of ours");
    return FALSE;
  }
  if (self->finished)
    return TRUE;   /* late news about a negotiation that is over */
  switch (kind) {
    case JA_S5B_INFO_CANDIDATE_USED:
    case JA_S5B_INFO_CANDIDATE_ERROR:
      if (self->remote_done)
        return TRUE;     /* one report per side */
      self->remote_done = TRUE;
      self->remote_used = cand;
      /* §2.4: stop waiting for what the peer's choice beats anyway. */
      decide (self, FALSE);
      evaluate (self);
      break;
    case JA_S5B_INFO_ACTIVATED:
      if (self->wait_activated && self->local_used != NULL
          && g_str_equal (cid, self->local_used->cid))
        ready (self, &self->out_conn, JA_S5B_CANDIDATE_PROXY);
      break;
    case JA_S5B_INFO_PROXY_ERROR:
    default:
      fail (self, "the peer could not use the proxy");
      break;
  }
  return TRUE;
}

const JaJingleTransportKind ja_s5b_transport_kind = {
  .api = JA_JINGLE_PLUGIN_API,
  .ns = JA_NS_JINGLE_S5B,
  .flavor = JA_JINGLE_FLAVOR_STREAMING,
  .priority = 30,                   /* before IBB (10) */
  .new_local = s5b_new_local,
  .new_remote = s5b_new_remote,
  .free = s5b_free,
  .build = s5b_build,
  .accept_remote = s5b_accept_remote,
  .handle_info = s5b_handle_info,
  .connect = s5b_connect,
};
