/**
 * The example lab's Kubernetes side: the infrastructure every app stands on,
 * then the apps. Every address, host name and domain comes from homelab.ts.
 */
import type { HomelabApp } from "../lib/k8s/homelab-app.js";

export function defineKubernetes(app: HomelabApp): void {
  void app;
}
