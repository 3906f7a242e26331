/* ice-agent.c — the libnice wrapper for calls: one NiceAgent and one stream
 * per JaIceAgent (RFC 8445 full ICE in libnice's RFC5245 mode, RFC 8838
 * trickle, RFC 7675 consent freshness), TURN (RFC 8656) through
 * nice_agent_set_relay_info. Owns the NiceAgent; everything runs on the
 * thread-default GMainContext of the creator, and no callback runs after
 * ja_ice_agent_free. Remote candidates given before the peer's credentials
 * are held here (XEP-0176 transport-info may overtake session-accept). */
#include "media/ice-agent.h"

#include <string.h>

#include <gio/gio.h>
#include <nice/agent.h>
#include <nice/interfaces.h>

#include "media/media-error.h"
#include "media/media-events.h"
#include "media/turn-tls.h"

/* A remote candidate list is peer input: cap it (RFC 8445 §5.1.3 suggests a
 * limit; libnice itself has NICE_AGENT_MAX_REMOTE_CANDIDATES per component). */
#define MAX_PENDING_REMOTE 100

struct _JaIceAgent {
  NiceAgent *nice;
  GMainContext *ctx;
  guint stream_id;
  guint n_components;
  JaIceCallbacks cb;
  gpointer user_data;
  gboolean relay_only;
  GPtrArray *turn_tls;          /* TlsRelay*, one per TURN-over-TLS server */
  guint tls_pending;            /* bridges still checking their server */

  char *ufrag;
  char *pwd;
  char *remote_ufrag;
  char *remote_pwd;
  GPtrArray *pending_remote;    /* JaIceCandidate*, until remote credentials */
  gboolean remote_done_pending;
  GPtrArray *local_cands;       /* JaIceCandidate* reported so far */
  JaIceState *states;           /* per component, index component - 1 */

  gint64 start_us;              /* first remote credentials or candidate */
  guint connect_ms;
  guint replay_id;              /* idle source re-announcing candidates */
  gboolean gathering_done;
  guint generation;             /* XEP-0176: local restarts so far */

  /* Receiving on another context (ja_ice_agent_set_receive_context):
   * libnice then emits what a received STUN message causes on that
   * thread; those signals are carried over to ctx's. */
  GThread *owner;               /* the creator's thread */
  GMainContext *recv_ctx;       /* nullable: ctx */
  JaMediaEvents *deferred;      /* of Deferred: replayed on ctx */
};

typedef enum {
  DEFERRED_CANDIDATE, DEFERRED_GATHERING_DONE, DEFERRED_STATE,
  DEFERRED_PAIR,
} DeferredKind;

typedef struct {
  DeferredKind kind;
  guint stream_id, component, state;
  NiceCandidate *local, *remote;
} Deferred;

/* A TURN-over-TLS server: libnice gets it (TURN/TCP to the bridge) only
 * once the bridge has verified the server, because libnice never ends
 * gathering when a TURN/TCP connection closes under it. */
typedef struct {
  JaIceAgent *agent;            /* unowned: the agent owns us */
  JaTurnTls *bridge;
  char *username;
  char *password;
} TlsRelay;

static void
tls_relay_free (TlsRelay *r)
{
  ja_turn_tls_free (r->bridge);
  g_free (r->username);
  if (r->password != NULL)
    memset (r->password, 0, strlen (r->password));
  g_free (r->password);
  g_free (r);
}

static const char *const state_names[] = {
  [JA_ICE_STATE_NEW] = "new",
  [JA_ICE_STATE_GATHERING] = "gathering",
  [JA_ICE_STATE_CONNECTING] = "connecting",
  [JA_ICE_STATE_CONNECTED] = "connected",
  [JA_ICE_STATE_READY] = "ready",
  [JA_ICE_STATE_FAILED] = "failed",
  [JA_ICE_STATE_DISCONNECTED] = "disconnected",
};

const char *
ja_ice_state_to_string (JaIceState state)
{
  if ((guint) state >= G_N_ELEMENTS (state_names))
    return "unknown";
  return state_names[state];
}

void
ja_ice_turn_server_free (JaIceTurnServer *t)
{
  if (t == NULL)
    return;
  g_free (t->host);
  g_free (t->username);
  g_free (t->ca_file);
  if (t->password != NULL)
    memset (t->password, 0, strlen (t->password));
  g_free (t->password);
  g_free (t);
}

/* ---- conversions ------------------------------------------------------- */

static JaIceCandidateType
type_from_nice (NiceCandidateType t)
{
  switch (t) {
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return JA_ICE_CANDIDATE_SRFLX;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return JA_ICE_CANDIDATE_PRFLX;
    case NICE_CANDIDATE_TYPE_RELAYED:
      return JA_ICE_CANDIDATE_RELAY;
    case NICE_CANDIDATE_TYPE_HOST:
    default:
      return JA_ICE_CANDIDATE_HOST;
  }
}

static NiceCandidateType
type_to_nice (JaIceCandidateType t)
{
  switch (t) {
    case JA_ICE_CANDIDATE_SRFLX:
      return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    case JA_ICE_CANDIDATE_PRFLX:
      return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case JA_ICE_CANDIDATE_RELAY:
      return NICE_CANDIDATE_TYPE_RELAYED;
    case JA_ICE_CANDIDATE_HOST:
    default:
      return NICE_CANDIDATE_TYPE_HOST;
  }
}

static JaIceState
state_from_nice (NiceComponentState s)
{
  switch (s) {
    case NICE_COMPONENT_STATE_GATHERING:
      return JA_ICE_STATE_GATHERING;
    case NICE_COMPONENT_STATE_CONNECTING:
      return JA_ICE_STATE_CONNECTING;
    case NICE_COMPONENT_STATE_CONNECTED:
      return JA_ICE_STATE_CONNECTED;
    case NICE_COMPONENT_STATE_READY:
      return JA_ICE_STATE_READY;
    case NICE_COMPONENT_STATE_FAILED:
      return JA_ICE_STATE_FAILED;
    case NICE_COMPONENT_STATE_DISCONNECTED:
    default:
      return JA_ICE_STATE_DISCONNECTED;
  }
}

/* (transfer full) */
static JaIceCandidate *
candidate_from_nice (const NiceCandidate *nc)
{
  JaIceCandidate *c = ja_ice_candidate_new ();
  char ip[NICE_ADDRESS_STRING_LEN];

  c->component = nc->component_id;
  c->foundation = g_strdup (nc->foundation);
  nice_address_to_string (&nc->addr, ip);
  c->ip = g_strdup (ip);
  c->port = nice_address_get_port (&nc->addr);
  c->priority = nc->priority;
  c->protocol = g_strdup (nc->transport == NICE_CANDIDATE_TRANSPORT_UDP
      ? "udp" : "tcp");
  c->type = type_from_nice (nc->type);
  c->id = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  if (c->type != JA_ICE_CANDIDATE_HOST && nice_address_is_valid (&nc->base_addr)) {
    nice_address_to_string (&nc->base_addr, ip);
    c->rel_addr = g_strdup (ip);
    c->rel_port = nice_address_get_port (&nc->base_addr);
  }
  return c;
}

/* NULL with error for a candidate a peer got wrong. (transfer full) */
static NiceCandidate *
candidate_to_nice (JaIceAgent *self, const JaIceCandidate *c, GError **error)
{
  NiceCandidate *nc;

  if (c->component < 1 || c->component > self->n_components) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: candidate for component %u of %u", c->component,
        self->n_components);
    return NULL;
  }
  if (c->port < 1 || c->port > G_MAXUINT16) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: candidate port %u out of range", c->port);
    return NULL;
  }
  nc = nice_candidate_new (type_to_nice (c->type));
  if (c->ip == NULL || !nice_address_set_from_string (&nc->addr, c->ip)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: candidate address '%s' is not an IP literal",
        c->ip != NULL ? c->ip : "(none)");
    nice_candidate_free (nc);
    return NULL;
  }
  nice_address_set_port (&nc->addr, c->port);
  if (c->rel_addr != NULL
      && nice_address_set_from_string (&nc->base_addr, c->rel_addr))
    nice_address_set_port (&nc->base_addr, MIN (c->rel_port, G_MAXUINT16));
  nc->transport = NICE_CANDIDATE_TRANSPORT_UDP;
  nc->priority = c->priority;
  nc->stream_id = self->stream_id;
  nc->component_id = c->component;
  g_strlcpy (nc->foundation, c->foundation != NULL ? c->foundation : "1",
      NICE_CANDIDATE_MAX_FOUNDATION);
  return nc;
}

/* An IP literal as is; a name resolved (blocking: configuration time only). */
static char *
resolve_host (const char *host, GError **error)
{
  g_autoptr (GResolver) resolver = NULL;
  GList *addrs;
  char *ip;

  if (g_hostname_is_ip_address (host))
    return g_strdup (host);
  resolver = g_resolver_get_default ();
  addrs = g_resolver_lookup_by_name (resolver, host, NULL, error);
  if (addrs == NULL)
    return NULL;
  ip = g_inet_address_to_string (addrs->data);
  g_resolver_free_addresses (addrs);
  return ip;
}

/* ---- signals from another thread --------------------------------------- */

static void
deferred_free (Deferred *d)
{
  g_clear_pointer (&d->local, nice_candidate_free);
  g_clear_pointer (&d->remote, nice_candidate_free);
  g_free (d);
}

static gboolean
on_owner_thread (JaIceAgent *self)
{
  return g_thread_self () == self->owner;
}

/* Queue a signal for the owner's context (takes d). */
static void
defer (JaIceAgent *self, Deferred *d)
{
  g_debug ("ice %p: signal %d on another thread: carried over", self,
      d->kind);
  ja_media_events_push (self->deferred, d);
}

/* ---- libnice signals --------------------------------------------------- */

static gboolean
is_offered (JaIceAgent *self, const NiceCandidate *nc)
{
  if (nc->transport != NICE_CANDIDATE_TRANSPORT_UDP)
    return FALSE;
  return !self->relay_only || nc->type == NICE_CANDIDATE_TYPE_RELAYED;
}

static void
new_candidate_cb (NiceAgent *nice, NiceCandidate *nc, gpointer user_data)
{
  JaIceAgent *self = user_data;
  JaIceCandidate *c;

  if (!on_owner_thread (self)) {
    Deferred *d = g_new0 (Deferred, 1);

    d->kind = DEFERRED_CANDIDATE;
    d->local = nice_candidate_copy (nc);
    defer (self, d);
    return;
  }
  if (nc->stream_id != self->stream_id || !is_offered (self, nc))
    return;
  c = candidate_from_nice (nc);
  c->generation = self->generation;
  g_debug ("ice %p: local %s candidate %s:%u (component %u)", self,
      ja_ice_candidate_type_to_string (c->type), c->ip, c->port, c->component);
  g_ptr_array_add (self->local_cands, c);
  if (self->cb.local_candidate != NULL)
    self->cb.local_candidate (self, c, self->user_data);
}

static guint
count_local (JaIceAgent *self, guint component)
{
  guint n = 0;

  for (guint i = 0; i < self->local_cands->len; i++)
    if (((JaIceCandidate *) g_ptr_array_index (self->local_cands, i))
        ->component == component)
      n++;
  return n;
}

static void set_state (JaIceAgent *self, guint component, JaIceState state);

static void
gathering_done_cb (NiceAgent *nice, guint stream_id, gpointer user_data)
{
  JaIceAgent *self = user_data;

  if (!on_owner_thread (self)) {
    Deferred *d = g_new0 (Deferred, 1);

    d->kind = DEFERRED_GATHERING_DONE;
    d->stream_id = stream_id;
    defer (self, d);
    return;
  }
  if (stream_id != self->stream_id)
    return;
  g_debug ("ice %p: gathering done (%u candidates)", self,
      self->local_cands->len);
  self->gathering_done = TRUE;
  if (self->cb.gathering_done != NULL)
    self->cb.gathering_done (self, self->user_data);
  /* A component with nothing to offer (e.g. relay-only and the TURN server
   * refused us) can never connect; libnice with trickle would wait forever
   * for pairs, so say FAILED now. */
  for (guint comp = 1; comp <= self->n_components; comp++)
    if (count_local (self, comp) == 0)
      set_state (self, comp, JA_ICE_STATE_FAILED);
}

/* The only place a component's state changes (logged, then reported). */
static void
set_state (JaIceAgent *self, guint component, JaIceState state)
{
  if (self->states[component - 1] == state)
    return;
  g_debug ("ice %p: component %u %s -> %s", self, component,
      ja_ice_state_to_string (self->states[component - 1]),
      ja_ice_state_to_string (state));
  self->states[component - 1] = state;
  if (component == 1 && self->connect_ms == 0 && self->start_us != 0
      && (state == JA_ICE_STATE_CONNECTED || state == JA_ICE_STATE_READY))
    self->connect_ms = MAX (1,
        (g_get_monotonic_time () - self->start_us + 500) / 1000);
  if (self->cb.state_changed != NULL)
    self->cb.state_changed (self, component, state, self->user_data);
}

static void
state_changed_cb (NiceAgent *nice, guint stream_id, guint component,
    guint nice_state, gpointer user_data)
{
  JaIceAgent *self = user_data;

  if (!on_owner_thread (self)) {
    Deferred *d = g_new0 (Deferred, 1);

    d->kind = DEFERRED_STATE;
    d->stream_id = stream_id;
    d->component = component;
    d->state = nice_state;
    defer (self, d);
    return;
  }
  if (stream_id != self->stream_id || component < 1
      || component > self->n_components)
    return;
  set_state (self, component, state_from_nice (nice_state));
}

static void
selected_pair_cb (NiceAgent *nice, guint stream_id, guint component,
    NiceCandidate *lc, NiceCandidate *rc, gpointer user_data)
{
  JaIceAgent *self = user_data;
  g_autoptr (JaIceCandidate) local = NULL;
  g_autoptr (JaIceCandidate) remote = NULL;

  if (!on_owner_thread (self)) {
    Deferred *d = g_new0 (Deferred, 1);

    d->kind = DEFERRED_PAIR;
    d->stream_id = stream_id;
    d->component = component;
    d->local = nice_candidate_copy (lc);
    d->remote = nice_candidate_copy (rc);
    defer (self, d);
    return;
  }
  if (stream_id != self->stream_id)
    return;
  local = candidate_from_nice (lc);
  remote = candidate_from_nice (rc);
  g_debug ("ice %p: component %u selected %s %s:%u <-> %s %s:%u", self,
      component, ja_ice_candidate_type_to_string (local->type), local->ip,
      local->port, ja_ice_candidate_type_to_string (remote->type), remote->ip,
      remote->port);
  if (self->cb.selected_pair != NULL)
    self->cb.selected_pair (self, component, local, remote, self->user_data);
}

static void
recv_cb (NiceAgent *nice, guint stream_id, guint component, guint len,
    gchar *buf, gpointer user_data)
{
  JaIceAgent *self = user_data;

  if (self->cb.receive != NULL)
    self->cb.receive (self, component, (const guint8 *) buf, len,
        self->user_data);
}

/* On the owner's context: the signal as libnice would have emitted it. */
static void
run_deferred (gpointer owner, gpointer event)
{
  JaIceAgent *self = owner;
  Deferred *d = event;

  switch (d->kind) {
  case DEFERRED_CANDIDATE:
    new_candidate_cb (self->nice, d->local, self);
    break;
  case DEFERRED_GATHERING_DONE:
    gathering_done_cb (self->nice, d->stream_id, self);
    break;
  case DEFERRED_STATE:
    state_changed_cb (self->nice, d->stream_id, d->component, d->state, self);
    break;
  case DEFERRED_PAIR:
    selected_pair_cb (self->nice, d->stream_id, d->component, d->local,
        d->remote, self);
    break;
  }
}

/* ---- construction ------------------------------------------------------ */

static gboolean
add_local_address (JaIceAgent *self, const char *ip, GError **error)
{
  NiceAddress addr;

  nice_address_init (&addr);
  if (!nice_address_set_from_string (&addr, ip)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "ice: local address '%s' is not an IP literal", ip);
    return FALSE;
  }
  nice_agent_add_local_address (self->nice, &addr);
  return TRUE;
}

/* libnice enumerates the interfaces (without loopback) only while no local
 * address was added; once one is, it uses exactly the added ones. */
static gboolean
set_local_addresses (JaIceAgent *self, const JaIceConfig *config,
    GError **error)
{
  GList *ips;

  if (config->local_addresses != NULL) {
    for (guint i = 0; config->local_addresses[i] != NULL; i++)
      if (!add_local_address (self, config->local_addresses[i], error))
        return FALSE;
    return TRUE;
  }
  if (!config->allow_loopback)
    return TRUE;
  ips = nice_interfaces_get_local_ips (FALSE);
  for (GList *l = ips; l != NULL; l = l->next)
    add_local_address (self, l->data, NULL);
  g_list_free_full (ips, g_free);
  return add_local_address (self, "127.0.0.1", error);
}

static NiceRelayType
relay_type (JaIceTurnTransport t)
{
  /* TLS: plain TCP to the local bridge */
  return t == JA_ICE_TURN_UDP ? NICE_RELAY_TYPE_TURN_UDP
      : NICE_RELAY_TYPE_TURN_TCP;
}

static gboolean
set_servers (JaIceAgent *self, const JaIceConfig *config, GError **error)
{
  if (config->stun_host != NULL) {
    g_autofree char *ip = resolve_host (config->stun_host, error);

    if (ip == NULL)
      return FALSE;
    g_object_set (self->nice, "stun-server", ip, "stun-server-port",
        config->stun_port != 0 ? config->stun_port : 3478, NULL);
  }
  for (guint i = 0; config->turn_servers != NULL
      && i < config->turn_servers->len; i++) {
    const JaIceTurnServer *t = g_ptr_array_index (config->turn_servers, i);
    g_autofree char *ip = NULL;

    const char *server_ip;
    guint server_port = t->port;

    ip = resolve_host (t->host, error);
    if (ip == NULL)
      return FALSE;
    server_ip = ip;
    /* libnice 0.1.21 has no TLS client (NICE_RELAY_TYPE_TURN_TLS only adds
     * a fake handshake for the GOOGLE/OC2007R2 modes and would talk plain
     * TCP to the TLS port): it gets TURN/TCP to a local bridge that does
     * the TLS and checks the certificate, once that check passed
     * (ja_ice_agent_gather). */
    if (t->transport == JA_ICE_TURN_TLS) {
      JaTurnTlsOptions o = { t->host, ip, t->port, t->ca_file,
        !t->no_system_trust };
      TlsRelay *r = g_new0 (TlsRelay, 1);

      r->agent = self;
      r->username = g_strdup (t->username != NULL ? t->username : "");
      r->password = g_strdup (t->password != NULL ? t->password : "");
      g_ptr_array_add (self->turn_tls, r);
      r->bridge = ja_turn_tls_new (&o, error);
      if (r->bridge == NULL)
        return FALSE;
      continue;
    }
    for (guint comp = 1; comp <= self->n_components; comp++)
      if (!nice_agent_set_relay_info (self->nice, self->stream_id, comp,
              server_ip, server_port,
              t->username != NULL ? t->username : "",
              t->password != NULL ? t->password : "",
              relay_type (t->transport))) {
        g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
            "ice: TURN server %s:%u refused by libnice", t->host, t->port);
        return FALSE;
      }
  }
  return TRUE;
}

static void
read_local_credentials (JaIceAgent *self)
{
  g_clear_pointer (&self->ufrag, g_free);
  g_clear_pointer (&self->pwd, g_free);
  nice_agent_get_local_credentials (self->nice, self->stream_id,
      &self->ufrag, &self->pwd);
}

JaIceAgent *
ja_ice_agent_new (const JaIceConfig *config, const JaIceCallbacks *cb,
    gpointer user_data, GError **error)
{
  JaIceAgent *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->n_components >= 1
      && config->n_components <= 2, NULL);

  self = g_new0 (JaIceAgent, 1);
  self->ctx = g_main_context_ref_thread_default ();
  self->owner = g_thread_self ();
  self->deferred = ja_media_events_new ("ja-ice-deferred", run_deferred,
      (GDestroyNotify) deferred_free, self);
  self->n_components = config->n_components;
  if (cb != NULL)
    self->cb = *cb;
  self->user_data = user_data;
  self->relay_only = config->relay_only || !config->host_candidates;
  self->pending_remote = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_candidate_free);
  self->local_cands = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_candidate_free);
  self->states = g_new0 (JaIceState, self->n_components);
  self->turn_tls = g_ptr_array_new_with_free_func (
      (GDestroyNotify) tls_relay_free);

  self->nice = nice_agent_new_full (self->ctx, NICE_COMPATIBILITY_RFC5245,
      NICE_AGENT_OPTION_ICE_TRICKLE | NICE_AGENT_OPTION_CONSENT_FRESHNESS);
  /* force-relay: libnice neither announces nor pairs non-relay local
   * candidates, so a relay-only policy holds on the wire too. */
  g_object_set (self->nice, "controlling-mode", config->controlling,
      "ice-tcp", FALSE, "ice-udp", TRUE, "upnp", FALSE,
      "force-relay", self->relay_only, NULL);
  g_signal_connect (self->nice, "new-candidate-full",
      G_CALLBACK (new_candidate_cb), self);
  g_signal_connect (self->nice, "candidate-gathering-done",
      G_CALLBACK (gathering_done_cb), self);
  g_signal_connect (self->nice, "component-state-changed",
      G_CALLBACK (state_changed_cb), self);
  g_signal_connect (self->nice, "new-selected-pair-full",
      G_CALLBACK (selected_pair_cb), self);

  self->stream_id = nice_agent_add_stream (self->nice, self->n_components);
  if (self->stream_id == 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: libnice could not add a stream");
    ja_ice_agent_free (self);
    return NULL;
  }
  if (!set_local_addresses (self, config, error)
      || !set_servers (self, config, error)) {
    ja_ice_agent_free (self);
    return NULL;
  }
  for (guint comp = 1; comp <= self->n_components; comp++)
    nice_agent_attach_recv (self->nice, self->stream_id, comp, self->ctx,
        recv_cb, self);
  read_local_credentials (self);
  return self;
}

void
ja_ice_agent_free (JaIceAgent *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->replay_id, g_source_remove);
  if (self->nice != NULL) {
    g_signal_handlers_disconnect_by_data (self->nice, self);
    if (self->stream_id != 0) {
      for (guint comp = 1; comp <= self->n_components; comp++)
        nice_agent_attach_recv (self->nice, self->stream_id, comp,
            self->recv_ctx != NULL ? self->recv_ctx : self->ctx, NULL, NULL);
    }
    /* Releases TURN allocations and closes sockets in the background. */
    nice_agent_close_async (self->nice, NULL, NULL);
    g_object_unref (self->nice);
  }
  /* Also from inside a replayed signal: no more is replayed after it. */
  ja_media_events_free (self->deferred, NULL);
  /* After libnice: a TURN-over-TLS allocation ends with its connection
   * (RFC 8656 §3.1), so closing the bridges releases them. */
  g_ptr_array_unref (self->turn_tls);
  g_main_context_unref (self->ctx);
  g_free (self->ufrag);
  g_free (self->pwd);
  g_free (self->remote_ufrag);
  g_free (self->remote_pwd);
  g_ptr_array_unref (self->pending_remote);
  g_ptr_array_unref (self->local_cands);
  g_free (self->states);
  g_free (self);
}

/* ---- accessors --------------------------------------------------------- */

const char *
ja_ice_agent_get_ufrag (JaIceAgent *self)
{
  return self->ufrag;
}

const char *
ja_ice_agent_get_pwd (JaIceAgent *self)
{
  return self->pwd;
}

gboolean
ja_ice_agent_get_controlling (JaIceAgent *self)
{
  gboolean controlling = FALSE;

  g_object_get (self->nice, "controlling-mode", &controlling, NULL);
  return controlling;
}

void
ja_ice_agent_set_controlling (JaIceAgent *self, gboolean controlling)
{
  g_object_set (self->nice, "controlling-mode", controlling, NULL);
}

const char *
ja_ice_agent_get_turn_tls_error (JaIceAgent *self)
{
  for (guint i = self->turn_tls->len; i > 0; i--) {
    const TlsRelay *r = self->turn_tls->pdata[i - 1];
    const char *e = r->bridge != NULL ? ja_turn_tls_get_error (r->bridge)
        : NULL;

    if (e != NULL)
      return e;
  }
  return NULL;
}

guint
ja_ice_agent_get_generation (JaIceAgent *self)
{
  return self->generation;
}

JaIceState
ja_ice_agent_get_state (JaIceAgent *self, guint component)
{
  g_return_val_if_fail (component >= 1 && component <= self->n_components,
      JA_ICE_STATE_NEW);
  return self->states[component - 1];
}

guint
ja_ice_agent_get_connect_ms (JaIceAgent *self)
{
  return self->connect_ms;
}

GPtrArray *
ja_ice_agent_get_local_candidates (JaIceAgent *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_candidate_free);

  for (guint i = 0; i < self->local_cands->len; i++)
    g_ptr_array_add (out, ja_ice_candidate_copy (
            g_ptr_array_index (self->local_cands, i)));
  return out;
}

/* ---- gathering and checks ---------------------------------------------- */

static gboolean
start_gathering (JaIceAgent *self, GError **error)
{
  if (!nice_agent_gather_candidates (self->nice, self->stream_id)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: gathering failed (no usable local address)");
    return FALSE;
  }
  return TRUE;
}

/* A TURN-over-TLS bridge checked its server: a verified one goes to libnice
 * as TURN/TCP to the bridge; once every bridge answered, gathering starts.
 * A refused one is left out (its reason was logged): relay candidates come
 * from the other servers, or none (relay-only: FAILED at gathering done). */
static void
tls_ready_cb (JaTurnTls *bridge, gboolean ok, gpointer user_data)
{
  TlsRelay *r = user_data;
  JaIceAgent *self = r->agent;
  g_autoptr (GError) error = NULL;

  if (ok)
    for (guint comp = 1; comp <= self->n_components; comp++)
      nice_agent_set_relay_info (self->nice, self->stream_id, comp,
          "127.0.0.1", ja_turn_tls_get_port (bridge), r->username,
          r->password, NICE_RELAY_TYPE_TURN_TCP);
  if (--self->tls_pending > 0)
    return;
  if (!start_gathering (self, &error)) {
    g_message ("ice %p: %s", self, error->message);
    for (guint comp = 1; comp <= self->n_components; comp++)
      set_state (self, comp, JA_ICE_STATE_FAILED);
  }
}

gboolean
ja_ice_agent_gather (JaIceAgent *self, GError **error)
{
  if (self->turn_tls->len == 0)
    return start_gathering (self, error);
  /* The bridges first: each opens and verifies one connection (which
   * libnice's TURN connection then reuses), so the delay is the TLS
   * handshake libnice would have waited for anyway. */
  self->tls_pending = self->turn_tls->len;
  for (guint i = 0; i < self->turn_tls->len; i++) {
    TlsRelay *r = self->turn_tls->pdata[i];

    ja_turn_tls_prepare (r->bridge, tls_ready_cb, r);
  }
  return TRUE;
}

static void
mark_start (JaIceAgent *self)
{
  if (self->start_us == 0)
    self->start_us = g_get_monotonic_time ();
}

static gboolean
add_to_nice (JaIceAgent *self, const JaIceCandidate *c, GError **error)
{
  NiceCandidate *nc = candidate_to_nice (self, c, error);
  GSList one = { 0 };
  int n;

  if (nc == NULL)
    return FALSE;
  one.data = nc;
  n = nice_agent_set_remote_candidates (self->nice, self->stream_id,
      c->component, &one);
  nice_candidate_free (nc);
  if (n < 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: libnice refused remote candidate %s:%u", c->ip, c->port);
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_ice_agent_add_remote_candidate (JaIceAgent *self,
    const JaIceCandidate *cand, GError **error)
{
  NiceCandidate *probe;

  if (g_strcmp0 (cand->protocol, "udp") != 0
      && g_strcmp0 (cand->protocol, "UDP") != 0)
    return TRUE;                /* XEP-0176 ice-udp: tcp ones are ignored */
  mark_start (self);
  if (self->remote_ufrag == NULL) {
    /* Validate now so that the peer hears about a bad candidate at once. */
    probe = candidate_to_nice (self, cand, error);
    if (probe == NULL)
      return FALSE;
    nice_candidate_free (probe);
    if (self->pending_remote->len >= MAX_PENDING_REMOTE) {
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
          "ice: more than %u remote candidates", MAX_PENDING_REMOTE);
      return FALSE;
    }
    g_ptr_array_add (self->pending_remote, ja_ice_candidate_copy (cand));
    return TRUE;
  }
  return add_to_nice (self, cand, error);
}

void
ja_ice_agent_remote_gathering_done (JaIceAgent *self)
{
  if (self->remote_ufrag == NULL) {
    self->remote_done_pending = TRUE;
    return;
  }
  nice_agent_peer_candidate_gathering_done (self->nice, self->stream_id);
}

/* Local candidates again after a restart: the peer needs them with the new
 * credentials (RFC 8445 §9). From an idle so that no callback runs inside
 * the call that caused it. */
static gboolean
replay_candidates_cb (gpointer user_data)
{
  JaIceAgent *self = user_data;

  self->replay_id = 0;
  for (guint i = 0; i < self->local_cands->len
      && self->cb.local_candidate != NULL; i++)
    self->cb.local_candidate (self, g_ptr_array_index (self->local_cands, i),
        self->user_data);
  if (self->gathering_done && self->cb.gathering_done != NULL)
    self->cb.gathering_done (self, self->user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
restart_stream (JaIceAgent *self, GError **error)
{
  if (!nice_agent_restart_stream (self->nice, self->stream_id)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: libnice could not restart the stream");
    return FALSE;
  }
  read_local_credentials (self);
  /* XEP-0176 §ICE Restarts: the candidates of the new ICE session carry a
   * greater generation. */
  self->generation++;
  for (guint i = 0; i < self->local_cands->len; i++)
    ((JaIceCandidate *) g_ptr_array_index (self->local_cands, i))->generation
        = self->generation;
  g_clear_pointer (&self->remote_ufrag, g_free);
  g_clear_pointer (&self->remote_pwd, g_free);
  g_ptr_array_set_size (self->pending_remote, 0);
  self->remote_done_pending = FALSE;
  self->start_us = 0;
  self->connect_ms = 0;
  if (self->replay_id == 0) {
    GSource *src = g_idle_source_new ();

    g_source_set_callback (src, replay_candidates_cb, self, NULL);
    self->replay_id = g_source_attach (src, self->ctx);
    g_source_unref (src);
  }
  g_debug ("ice %p: restarted, ufrag %s", self, self->ufrag);
  return TRUE;
}

gboolean
ja_ice_agent_restart (JaIceAgent *self, GError **error)
{
  return restart_stream (self, error);
}

gboolean
ja_ice_credentials_check (const char *ufrag, const char *pwd, GError **error)
{
  /* RFC 8445 §5.3: ufrag at least 4, pwd at least 22 characters, at most
   * 256 each. */
  if (ufrag == NULL || pwd == NULL || strlen (ufrag) < 4
      || strlen (ufrag) > 256 || strlen (pwd) < 22 || strlen (pwd) > 256) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: bad remote ufrag/pwd");
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_ice_agent_set_remote_credentials (JaIceAgent *self, const char *ufrag,
    const char *pwd, GError **error)
{
  g_autoptr (GPtrArray) pending = NULL;

  if (!ja_ice_credentials_check (ufrag, pwd, error))
    return FALSE;
  if (self->remote_ufrag != NULL) {
    if (g_str_equal (ufrag, self->remote_ufrag)
        && g_str_equal (pwd, self->remote_pwd))
      return TRUE;
    /* The peer restarted ICE: so do we (new local credentials). */
    if (!restart_stream (self, error))
      return FALSE;
  }
  mark_start (self);
  if (!nice_agent_set_remote_credentials (self->nice, self->stream_id, ufrag,
          pwd)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_ICE,
        "ice: libnice refused the remote credentials");
    return FALSE;
  }
  self->remote_ufrag = g_strdup (ufrag);
  self->remote_pwd = g_strdup (pwd);

  pending = g_steal_pointer (&self->pending_remote);
  self->pending_remote = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_candidate_free);
  for (guint i = 0; i < pending->len; i++) {
    g_autoptr (GError) local_error = NULL;

    if (!add_to_nice (self, g_ptr_array_index (pending, i), &local_error))
      g_debug ("ice %p: held candidate dropped: %s", self,
          local_error->message);
  }
  if (self->remote_done_pending) {
    self->remote_done_pending = FALSE;
    nice_agent_peer_candidate_gathering_done (self->nice, self->stream_id);
  }
  return TRUE;
}

/* ---- data -------------------------------------------------------------- */

void
ja_ice_agent_set_receive_context (JaIceAgent *self, GMainContext *context)
{
  if (context == self->ctx)
    context = NULL;
  if (context == self->recv_ctx)
    return;
  self->recv_ctx = context;
  for (guint comp = 1; comp <= self->n_components; comp++)
    nice_agent_attach_recv (self->nice, self->stream_id, comp,
        context != NULL ? context : self->ctx, recv_cb, self);
}

gboolean
ja_ice_agent_send (JaIceAgent *self, guint component, const guint8 *data,
    gsize len, GError **error)
{
  int sent;

  if (component < 1 || component > self->n_components || len > G_MAXUINT16) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "ice: bad component %u or length %" G_GSIZE_FORMAT, component, len);
    return FALSE;
  }
  sent = nice_agent_send (self->nice, self->stream_id, component, len,
      (const gchar *) data);
  if (sent < 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
        "ice: component %u has no working pair", component);
    return FALSE;
  }
  if ((gsize) sent != len) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
        "ice: only %d of %" G_GSIZE_FORMAT " bytes sent", sent, len);
    return FALSE;
  }
  return TRUE;
}
