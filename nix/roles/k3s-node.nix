# Hand-written module (not generated), imported by k3s-server.nix and k3s-agent.nix: what every k3s
# node needs, servers and agents alike (servers schedule workloads too).
{ config, lib, pkgs, vars, node, ... }:
let
  longhorn = node.longhorn; # null when the lab has no Longhorn (vars.nix: k3s.longhorn in the model)
  dataDisk = if node.disk == null then null else node.disk.longhorn;
in
{
  # The cluster's join token, from sops-nix (the secret vars.k3s.tokenSecret in sops.defaultSopsFile).
  sops.secrets.${vars.k3s.tokenSecret}.restartUnits = [ "k3s.service" ];
  services.k3s.tokenFile = config.sops.secrets.${vars.k3s.tokenSecret}.path;

  # Pod traffic reaches the host on the CNI bridge and flannel's device (flannel.1 for VXLAN,
  # flannel-wg for wireguard-native): trust them, as k3s's docs ask of host firewalls.
  networking.firewall.trustedInterfaces = vars.k3s.trustedInterfaces;

  # Longhorn: iscsiadm (open-iscsi, one initiator name per host), nfs-utils for RWX volumes, and
  # /usr/local/bin, where Longhorn looks for host binaries (longhorn/longhorn#2166).
  services.openiscsi = lib.mkIf (longhorn != null) {
    enable = true;
    name = longhorn.iscsiInitiatorName;
  };
  environment.systemPackages = lib.mkIf (longhorn != null) [ pkgs.nfs-utils ];
  systemd.tmpfiles.rules = lib.mkIf (longhorn != null) [
    "L+ /usr/local/bin - - - - /run/current-system/sw/bin/"
  ];

  # A Longhorn data disk mounts where Longhorn stores volumes, on whichever node has one.
  fileSystems = lib.mkIf (dataDisk != null) {
    ${dataDisk.mountPoint} = {
      device = dataDisk.device;
      fsType = "ext4";
    };
  };
}
