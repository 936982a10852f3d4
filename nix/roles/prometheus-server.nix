# Hand-written role module (not generated), an example: Prometheus on NixOS scraping every host of the lab.
# For labs that run Prometheus on a NixOS host instead of in Kubernetes (the Odroid lab runs it on node1).
# `vars` is nix/vars.nix: vars.monitoring.targets lists every host's node_exporter (address:9100) with the
# labels hostname, roles and arch, derived from the same model as the hosts themselves.
{ vars, ... }:
{
  services.prometheus = {
    enable = true;
    retentionTime = "15d";
    globalConfig.scrape_interval = "1m";
    scrapeConfigs = [
      {
        job_name = "node";
        static_configs = map (t: {
          targets = [ t.target ];
          labels = t.labels;
        }) vars.monitoring.targets;
      }
    ];
  };
  networking.firewall.allowedTCPPorts = [ 9090 ];
}
