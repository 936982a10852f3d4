# Hand-written role module (not generated): the base of every host.
# `vars` is nix/vars.nix and `node` is vars.nodes.<hostname>, passed by the flake as specialArgs.
{ lib, vars, node, ... }:
{
  networking.hostName = node.hostname;
  networking.domain = vars.domain;
  # The ports every role of the host needs, merged by synth (vars.nodes.<hostname>.firewall).
  networking.firewall = {
    enable = true;
    inherit (node.firewall) allowedTCPPorts allowedTCPPortRanges allowedUDPPorts allowedUDPPortRanges;
  };
  # The static LAN address, on the interface the model names (eth0 with kernel names when it names
  # none); DHCP stays off, on that interface and everywhere else.
  networking.useDHCP = false;
  networking.usePredictableInterfaceNames = node.predictableInterfaceNames;
  networking.interfaces.${node.interface} = {
    useDHCP = false;
    ipv4.addresses = [
      {
        address = node.address;
        prefixLength = vars.lan.prefixLength;
      }
    ];
  };
  networking.defaultGateway = {
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
