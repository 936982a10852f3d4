/**
 * Where Alertmanager sends the lab's alerts: a webhook (ntfy, Gotify, a chat bridge) or email. The secret part
 * (the URL with its token, the SMTP password) is a SOPS-kept Secret in the `monitoring` namespace, mounted into
 * Alertmanager (`alertmanagerSpec.secrets`) and read from a file, so it is never in dist/ in plain text.
 */

/** Options of {@link AlertReceiver.webhook}. */
export interface WebhookReceiverProps {
  /**
   * Secret in namespace `monitoring` whose key `url` holds the webhook URL (tokens included).
   * @default "alertmanager-webhook"
   */
  readonly secret?: string;
}

/** Options of {@link AlertReceiver.email}. */
export interface EmailReceiverProps {
  /** Who gets the alerts. */
  readonly to: string;
  /** The sender address. */
  readonly from: string;
  /** The SMTP server, `host:port`, e.g. `smtp.example.com:587`. */
  readonly smarthost: string;
  /** The SMTP user name. */
  readonly username: string;
  /**
   * Secret in namespace `monitoring` whose key `password` holds the SMTP password.
   * @default "alertmanager-smtp"
   */
  readonly secret?: string;
}

/** Where Alertmanager mounts a Secret named in `alertmanagerSpec.secrets`. */
const mounted = (secret: string, key: string): string => `/etc/alertmanager/secrets/${secret}/${key}`;

/** An Alertmanager receiver. */
export class AlertReceiver {
  /** Alerts POSTed as JSON to the URL kept in a SOPS Secret (key `url`). */
  static webhook(props: WebhookReceiverProps = {}): AlertReceiver {
    const secret = props.secret ?? "alertmanager-webhook";
    return new AlertReceiver(secret, "webhook URL (key url) Alertmanager sends alerts to", {
      webhook_configs: [{ url_file: mounted(secret, "url"), send_resolved: true }],
    });
  }

  /** Alerts sent by email through an SMTP server whose password is kept in a SOPS Secret (key `password`). */
  static email(props: EmailReceiverProps): AlertReceiver {
    const secret = props.secret ?? "alertmanager-smtp";
    return new AlertReceiver(secret, "SMTP password (key password) Alertmanager sends alert emails with", {
      email_configs: [
        {
          to: props.to,
          from: props.from,
          smarthost: props.smarthost,
          auth_username: props.username,
          auth_password_file: mounted(secret, "password"),
          send_resolved: true,
        },
      ],
    });
  }

  private constructor(
    /** The SOPS Secret (namespace `monitoring`) the receiver reads. */
    readonly secret: string,
    /** What the Secret holds, for synth's note while the file is missing. */
    readonly purpose: string,
    /** The receiver's configuration, without its name. */
    readonly config: Readonly<Record<string, unknown>>,
  ) {}
}
