# Hand-written role module (not generated): the base of every host.
# `vars` is nix/vars.nix and `node` is vars.nodes.<hostname>, passed by the flake as specialArgs.
{ lib, vars, node, ... }:
{
  networking.hostName = node.hostname;
  networking.domain = vars.domain;
  networking.firewall = {
    enable = true;
    inherit (node.firewall) allowedTCPPorts allowedTCPPortRanges allowedUDPPorts allowedUDPPortRanges;
  };
  networking.defaultGateway = vars.lan.gateway;
  networking.nameservers = vars.upstreamDns;

  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
  };
  services.prometheus.exporters.node.enable = true;

  nix.settings.experimental-features = [
    "nix-command"
    "flakes"
  ];
  system.stateVersion = lib.mkDefault "25.05";
}
