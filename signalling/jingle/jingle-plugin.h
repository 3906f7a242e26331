/* jingle-plugin.h — the contract between the Jingle engine and its plugins
 * (STYLE.md §3.6): const vtables, a kind registered by namespace creates
 * per-content state. A plugin embeds JaJingleApp / JaJingleTransport as the
 * first member of its own struct; the engine fills in kind and content.
 * NULL optional ops get a defined default through the wrappers at the end
 * (the engine never calls an op directly). The engine names no extension.
 *
 * Lifetime: the content owns its app and transport and frees them with the
 * kind's free op (after stop). A plugin calls back only through the
 * ja_jingle_content_* functions of jingle-content.h. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"
#include "signalling/jingle/jingle-channel.h"
#include "signalling/jingle/jingle-message.h"
#include "signalling/jingle/jingle-reason.h"

G_BEGIN_DECLS

#define JA_JINGLE_PLUGIN_API 1

typedef struct _JaJingleContent JaJingleContent;
typedef struct _JaJingleApp JaJingleApp;
typedef struct _JaJingleAppKind JaJingleAppKind;
typedef struct _JaJingleTransport JaJingleTransport;
typedef struct _JaJingleTransportKind JaJingleTransportKind;

/* What a local caller passes when it adds a content; params belong to the
 * application kind (e.g. a file offer), borrowed for the call. senders is
 * the content's 'senders' (XEP-0166 §7.3) in session-initiate / content-add
 * and after; the zero value is the default, both (not written). */
typedef struct {
  gconstpointer params;
  JaJingleSenders senders;
} JaJingleAppOptions;

struct _JaJingleApp {               /* per-content application state (base) */
  const JaJingleAppKind *kind;
  JaJingleContent *content;         /* unowned: the content owns us */
};

struct _JaJingleAppKind {
  guint api;                        /* JA_JINGLE_PLUGIN_API */
  const char *ns;                   /* <description xmlns=…> */
  JaJingleFlavor flavor;            /* what transport it needs */
  guint n_components;

  /* Mandatory. */
  JaJingleApp *(*new_local) (JaJingleContent *c, const JaJingleAppOptions *opts,
      GError **error);
  /* Mandatory. A malformed description is JA_XMPP_ERROR_BAD_REQUEST. */
  JaJingleApp *(*new_remote) (JaJingleContent *c, const JaXmlNode *description,
      GError **error);
  void (*free) (JaJingleApp *app);  /* mandatory */
  /* Mandatory. action: the message it goes into. (transfer full) */
  JaXmlNode *(*build_description) (JaJingleApp *app, JaJingleAction action);

  /* The peer's answer (session-accept, content-accept). NULL: accepted. A
   * failure ends the session with incompatible-parameters. */
  gboolean (*accept_remote) (JaJingleApp *app, const JaXmlNode *description,
      GError **error);
  /* description-info. NULL: unsupported-info. */
  gboolean (*handle_info) (JaJingleApp *app, const JaXmlNode *payload,
      GError **error);
  /* The transport is up (channel borrowed; ref it to keep it). NULL: no-op. */
  void (*start) (JaJingleApp *app, JaJingleChannel *channel);
  /* The content or session ends. NULL: no-op. */
  void (*stop) (JaJingleApp *app, JaJingleReason reason);

  /* Optional additions (API 1). */
  /* A session-info payload; return FALSE with
   * JA_JINGLE_ERROR_UNSUPPORTED_INFO when it is not this kind's. */
  gboolean (*handle_session_info) (JaJingleApp *app, const JaXmlNode *payload,
      GError **error);
  /* content-modify changed the senders. */
  void (*senders_changed) (JaJingleApp *app, JaJingleSenders senders);
};

struct _JaJingleTransport {
  const JaJingleTransportKind *kind;
  JaJingleContent *content;         /* unowned */
};

struct _JaJingleTransportKind {
  guint api;                        /* JA_JINGLE_PLUGIN_API */
  const char *ns;                   /* <transport xmlns=…> */
  JaJingleFlavor flavor;
  int priority;                     /* fallback order, highest first */

  /* Mandatory. */
  JaJingleTransport *(*new_local) (JaJingleContent *c, guint n_components,
      GError **error);
  JaJingleTransport *(*new_remote) (JaJingleContent *c,
      const JaXmlNode *transport, GError **error);
  void (*free) (JaJingleTransport *tp);
  JaXmlNode *(*build) (JaJingleTransport *tp, JaJingleAction action); /* (transfer full) */

  /* The peer's answer (session-accept, content-accept, transport-accept).
   * NULL: accepted. */
  gboolean (*accept_remote) (JaJingleTransport *tp, const JaXmlNode *transport,
      GError **error);
  /* transport-info. NULL: unsupported-info. */
  gboolean (*handle_info) (JaJingleTransport *tp, const JaXmlNode *transport,
      GError **error);
  /* Start connecting; ends in ja_jingle_content_transport_ready() or
   * ja_jingle_content_transport_failed(). NULL: no-op. */
  void (*connect) (JaJingleTransport *tp);
};

/* ---- wrappers the engine calls (jingle-plugin.c) ------------------------ */

/* FALSE (with a g_critical: a plugin bug, not peer input) when a kind lacks
 * a mandatory op, its namespace, or has another api. */
gboolean ja_jingle_app_kind_check (const JaJingleAppKind *kind);
gboolean ja_jingle_transport_kind_check (const JaJingleTransportKind *kind);

JaJingleApp *ja_jingle_app_new_local (const JaJingleAppKind *kind,
    JaJingleContent *c, const JaJingleAppOptions *opts, GError **error);
JaJingleApp *ja_jingle_app_new_remote (const JaJingleAppKind *kind,
    JaJingleContent *c, const JaXmlNode *description, GError **error);
void ja_jingle_app_free (JaJingleApp *app);
JaXmlNode *ja_jingle_app_build_description (JaJingleApp *app,
    JaJingleAction action);
gboolean ja_jingle_app_accept_remote (JaJingleApp *app,
    const JaXmlNode *description, GError **error);
gboolean ja_jingle_app_handle_info (JaJingleApp *app, const JaXmlNode *payload,
    GError **error);
gboolean ja_jingle_app_handle_session_info (JaJingleApp *app,
    const JaXmlNode *payload, GError **error);
void ja_jingle_app_senders_changed (JaJingleApp *app, JaJingleSenders senders);
void ja_jingle_app_start (JaJingleApp *app, JaJingleChannel *channel);
void ja_jingle_app_stop (JaJingleApp *app, JaJingleReason reason);

JaJingleTransport *ja_jingle_transport_new_local (
    const JaJingleTransportKind *kind, JaJingleContent *c, guint n_components,
    GError **error);
JaJingleTransport *ja_jingle_transport_new_remote (
    const JaJingleTransportKind *kind, JaJingleContent *c,
    const JaXmlNode *transport, GError **error);
void ja_jingle_transport_free (JaJingleTransport *tp);
JaXmlNode *ja_jingle_transport_build (JaJingleTransport *tp,
    JaJingleAction action);
gboolean ja_jingle_transport_accept_remote (JaJingleTransport *tp,
    const JaXmlNode *transport, GError **error);
gboolean ja_jingle_transport_handle_info (JaJingleTransport *tp,
    const JaXmlNode *transport, GError **error);
void ja_jingle_transport_connect (JaJingleTransport *tp);

G_END_DECLS
