/* ice-agent.h — one libnice agent per Jingle RTP content (RFC 8445 full ICE,
 * RFC 8838 trickle), on the thread-default GMainContext of its creator: all
 * callbacks run there. Host candidates (loopback only when asked), STUN and
 * TURN (UDP, TCP, and TLS through a loopback bridge: media/turn-tls.h)
 * servers from the config. A component that gathered no candidate is
 * FAILED. */
#pragma once

#include <glib.h>
#include "media/ice-candidate.h"

G_BEGIN_DECLS

typedef enum {
  JA_ICE_TURN_UDP,
  JA_ICE_TURN_TCP,
  JA_ICE_TURN_TLS,              /* TCP via media/turn-tls.c (libnice
                                 * 0.1.21 has no TLS client) */
} JaIceTurnTransport;

typedef struct {
  char *host;                   /* IP literal or name (resolved by libnice) */
  guint port;
  JaIceTurnTransport transport;
  char *username;
  char *password;
  /* TLS only: the certificate must chain to the system store (unless
   * no_system_trust) or to ca_file (PEM, nullable) and name host. */
  char *ca_file;
  gboolean no_system_trust;
} JaIceTurnServer;

void ja_ice_turn_server_free (JaIceTurnServer *t);

typedef struct {
  gboolean controlling;
  guint n_components;           /* 1 with rtcp-mux, else 2 */
  gboolean host_candidates;     /* FALSE: relay (and srflx) only */
  gboolean allow_loopback;      /* add 127.0.0.1 (and ::1) as host addresses */
  /* nullable, NULL-terminated: use only these local addresses. */
  const char *const *local_addresses;
  const char *stun_host;        /* nullable */
  guint stun_port;
  GPtrArray *turn_servers;      /* nullable; of JaIceTurnServer (borrowed) */
  gboolean relay_only;          /* only relay candidates are used (policy) */
} JaIceConfig;

typedef enum {
  JA_ICE_STATE_NEW,
  JA_ICE_STATE_GATHERING,
  JA_ICE_STATE_CONNECTING,
  JA_ICE_STATE_CONNECTED,       /* a pair works: data may flow */
  JA_ICE_STATE_READY,           /* checks done */
  JA_ICE_STATE_FAILED,
  JA_ICE_STATE_DISCONNECTED,
} JaIceState;

const char *ja_ice_state_to_string (JaIceState state);

typedef struct _JaIceAgent JaIceAgent;

typedef struct {
  /* A new local candidate (trickle it). (transfer none) */
  void (*local_candidate) (JaIceAgent *agent, const JaIceCandidate *cand,
      gpointer user_data);
  void (*gathering_done) (JaIceAgent *agent, gpointer user_data);
  /* The state of one component changed. */
  void (*state_changed) (JaIceAgent *agent, guint component, JaIceState state,
      gpointer user_data);
  /* The selected pair of a component (transfer none). */
  void (*selected_pair) (JaIceAgent *agent, guint component,
      const JaIceCandidate *local, const JaIceCandidate *remote,
      gpointer user_data);
  /* One datagram received on a component. */
  void (*receive) (JaIceAgent *agent, guint component, const guint8 *data,
      gsize len, gpointer user_data);
} JaIceCallbacks;

/* (transfer full) cb is copied. Callbacks must not free the agent: defer
 * ja_ice_agent_free to an idle source. */
JaIceAgent *ja_ice_agent_new (const JaIceConfig *config,
    const JaIceCallbacks *cb, gpointer user_data, GError **error);
void ja_ice_agent_free (JaIceAgent *agent);   /* no callback after */

const char *ja_ice_agent_get_ufrag (JaIceAgent *agent);
const char *ja_ice_agent_get_pwd (JaIceAgent *agent);
gboolean ja_ice_agent_get_controlling (JaIceAgent *agent);
void ja_ice_agent_set_controlling (JaIceAgent *agent, gboolean controlling);

/* Start gathering; candidates arrive through local_candidate. */
gboolean ja_ice_agent_gather (JaIceAgent *agent, GError **error);
/* Every local candidate gathered so far (transfer container; elements
 * owned by the array). */
GPtrArray *ja_ice_agent_get_local_candidates (JaIceAgent *agent);

/* FALSE with an error unless ufrag/pwd have the lengths RFC 8445 §5.3
 * allows (what ja_ice_agent_set_remote_credentials accepts). */
gboolean ja_ice_credentials_check (const char *ufrag, const char *pwd,
    GError **error);
/* The peer's ufrag/pwd; remote candidates given before this are kept and
 * added once the credentials are known. Changed credentials = ICE restart
 * by the peer: this agent restarts too (new local ufrag/pwd, its local
 * candidates announced again from an idle); give the peer's new candidates
 * after its new credentials. */
gboolean ja_ice_agent_set_remote_credentials (JaIceAgent *agent,
    const char *ufrag, const char *pwd, GError **error);
/* A remote candidate (udp only; others are ignored with TRUE). FALSE
 * (JA_MEDIA_ERROR_ICE) only for what the peer got wrong: a component we do
 * not have, a port or address that is none, one too many. */
gboolean ja_ice_agent_add_remote_candidate (JaIceAgent *agent,
    const JaIceCandidate *cand, GError **error);
void ja_ice_agent_remote_gathering_done (JaIceAgent *agent);

/* Send one datagram on a component (thread-safe). */
gboolean ja_ice_agent_send (JaIceAgent *agent, guint component,
    const guint8 *data, gsize len, GError **error);

/* Receive on another context from now on (NULL: the creator's again):
 * the receive callback then runs on the thread dispatching `context`, and
 * so does libnice's handling of received STUN (consent, checks after a
 * restart); what that handling reports (state, selected pair, peer-
 * reflexive candidates) still reaches the other callbacks on the creator's
 * context. While receiving elsewhere, the caller makes sure that thread
 * does not dispatch `context` during ja_ice_agent_free or this call. */
void ja_ice_agent_set_receive_context (JaIceAgent *agent,
    GMainContext *context);

/* ICE restart (RFC 8445 §9): new local ufrag/pwd, the remote credentials
 * and candidates are forgotten, the roles are kept, and the local
 * candidates (kept by libnice, with the next generation) are announced
 * again through local_candidate/gathering_done from an idle. Data goes on
 * over the previous selected pair until a new one is selected (libnice
 * reports the component gathering → connecting → connected → ready and
 * the selected pair again). */
gboolean ja_ice_agent_restart (JaIceAgent *agent, GError **error);

/* Why the last TURN-over-TLS connection failed (connect, handshake,
 * certificate), or NULL. */
const char *ja_ice_agent_get_turn_tls_error (JaIceAgent *agent);

/* How many times this agent restarted (the 'generation' of its local
 * candidates, XEP-0176). */
guint ja_ice_agent_get_generation (JaIceAgent *agent);

/* The last state reported for a component (1-based). */
JaIceState ja_ice_agent_get_state (JaIceAgent *agent, guint component);

/* Milliseconds from the first remote candidate/credentials to CONNECTED of
 * component 1 (0 until then). */
guint ja_ice_agent_get_connect_ms (JaIceAgent *agent);

G_END_DECLS
