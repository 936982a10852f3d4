# Hand-written role module (not generated): the base of every host.
# `vars` is nix/vars.nix and `node` is vars.nodes.<hostname>, passed by the flake as specialArgs.
{ lib, vars, node, ... }:
let
  dhcp = (node.addressing or "static") == "dhcp";
in
{
  networking.hostName = node.hostname;
  networking.domain = vars.domain;
  # The ports every role of the host needs, merged by synth (vars.nodes.<hostname>.firewall).
  networking.firewall = {
    enable = true;
    inherit (node.firewall) allowedTCPPorts allowedTCPPortRanges allowedUDPPorts allowedUDPPortRanges;
  };
  # The static LAN address, on the interface the model names (eth0 with kernel names when it names
  # none); DHCP stays off, on that interface and everywhere else. A host with `addressing = "dhcp"`
  # takes its address (and route) from the LAN's DHCP server on that interface instead, and is reached
  # by node.dnsName (`<hostname>.local` needs mDNS on the LAN, e.g. services.avahi).
  networking.useDHCP = false;
  networking.usePredictableInterfaceNames = node.predictableInterfaceNames;
  networking.interfaces.${node.interface} =
    if dhcp then
      { useDHCP = true; }
    else
      {
        useDHCP = false;
        ipv4.addresses = [
          {
            address = node.address;
            prefixLength = vars.lan.prefixLength;
          }
        ];
      };
  networking.defaultGateway = lib.mkIf (!dhcp) {
    address = vars.lan.gateway;
    interface = node.interface;
  };
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
