# Hand-written role module (not generated): a k3s agent joining vars.k3s.serverAddr,
# with its Longhorn data disk (if the host has one) mounted where Longhorn expects it.
{ lib, vars, node, ... }:
{
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = vars.k3s.serverAddr;
    tokenFile = "/var/lib/rancher/k3s/agent/token-file";
    extraFlags = [
      "--node-ip=${node.address}"
      "--kubelet-arg=allowed-unsafe-sysctls=net.ipv4.ip_forward"
    ];
  };
  services.openiscsi = {
    enable = true; # Longhorn needs iSCSI
    name = "iqn.2020-08.org.linux-iscsi.${node.hostname}";
  };
  fileSystems = lib.mkIf (node.disk != null && node.disk.longhorn != null) {
    ${node.disk.longhorn.mountPoint} = {
      device = node.disk.longhorn.device;
      fsType = "ext4";
    };
  };
}
